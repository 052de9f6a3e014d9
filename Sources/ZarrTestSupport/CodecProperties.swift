import ZarrCore

/// The properties every codec chain has, checked on sample data: it round-trips; its declared
/// sizes are the sizes it produces; and wrong-sized or truncated input is an error, never a
/// crash or a silent success of the wrong size.
public enum CodecProperties {
    /// `codecs` is a v3 codec list (a v2 codec is given as `numcodecs.<id>` with its members);
    /// a `lossy` chain is held to the right size rather than to the same values.
    public static func check(_ codecs: [JSON], _ rep: ChunkRepresentation, _ data: ChunkData, lossy: Bool = false, registry: CodecRegistry = .standard) throws {
        var e = Expectations()
        guard let chain = e.noError("building \(codecs)", { try registry.makeChain(codecs, decoded: rep) }) else { return try e.done() }
        try check(chain: chain, rep, data, lossy: lossy, e)
    }

    public static func check(chain: CodecChain, _ rep: ChunkRepresentation, _ data: ChunkData, lossy: Bool = false) throws {
        try check(chain: chain, rep, data, lossy: lossy, Expectations())
    }

    static func check(chain: CodecChain, _ rep: ChunkRepresentation, _ data: ChunkData, lossy: Bool, _ e: Expectations) throws {
        var e = e
        guard let encoded = e.noError("encode", { try chain.encode(data, rep) }) else { return try e.done() }
        let decoded = e.noError("decode") { try chain.decode(encoded, rep) }
        if lossy { e.expect(decoded.map { sizeMatches($0, rep) } ?? false, "decode(encode(x)) has x's size") }
        else { e.expect(decoded == data, "decode(encode(x)) == x") }
        let bytesRep = e.noError("representations") { try chain.representations(rep).last } ?? nil
        e.expect(encoded.count <= chain.maxStoredSize(rep), "the encoding (\(encoded.count) bytes) fits the bound on stored chunks (\(chain.maxStoredSize(rep)))")
        if let bytesRep, let max = chain.arrayToBytes.maxEncodedSize(of: bytesRep), chain.bytesToBytes.isEmpty {
            e.expect(encoded.count <= max, "the array→bytes encoding (\(encoded.count) bytes) is within its declared maximum \(max)")
        }
        if let bytesRep, let exact = chain.arrayToBytes.encodedSize(of: bytesRep), chain.bytesToBytes.isEmpty {
            e.expect(encoded.count == exact, "the array→bytes encoding has its declared size \(exact), not \(encoded.count)")
        }
        // Truncated input: an error or, for codecs that cannot tell, data of the right size — never a crash.
        for cut in Set([0, 1, encoded.count / 2, max(encoded.count - 1, 0)]) where cut < encoded.count {
            if let decoded = try? chain.decode(Array(encoded.prefix(cut)), rep) {
                e.expect(sizeMatches(decoded, rep), "a \(cut)-byte truncation decoded to the wrong size")
            }
        }
        // A chunk of another shape must not decode as if it were this one's.
        if rep.count > 1, rep.dataType.itemSize != nil {
            var other = rep
            other.shape[other.shape.count - 1] += 1
            if let decoded = try? chain.decode(encoded, other) {
                e.expect(sizeMatches(decoded, other), "decoding for a larger chunk gave the wrong size")
            }
        }
        try e.done()
    }

    static func sizeMatches(_ data: ChunkData, _ rep: ChunkRepresentation) -> Bool {
        switch data {
        case .fixed(let b): return b.count == rep.count * (rep.dataType.itemSize ?? 0)
        case .variable(let v): return v.count == rep.count
        }
    }
}
