/// `sharding_indexed` (SH-01…SH-14): many inner chunks and an index of (offset, nbytes) in one
/// object. The index is validated before any inner chunk is read; partial reads fetch the index
/// and only the inner chunks they need; inner chunks decode in parallel.
/// v3 JSON: `{"name": "sharding_indexed", "configuration": {"chunk_shape": [32, 32],
/// "codecs": [{"name": "bytes", "configuration": {"endian": "little"}}],
/// "index_codecs": [{"name": "bytes", "configuration": {"endian": "little"}}, {"name": "crc32c"}], "index_location": "end"}}`.
public struct ShardingCodec: ArrayToBytesCodec {
    public let chunkShape: [Int]
    public let inner: CodecChain
    public let indexCodecs: [JSON]
    public let indexAtStart: Bool
    let registry: CodecRegistry
    /// The layout of the shards the array declares, prepared once (every shard of a regular grid).
    private let prepared: Layout
    static let empty = UInt64.max

    public var name: String { "sharding_indexed" }
    public var v2Configuration: JSON { .null }

    init(_ ext: ExtensionObject, context: CodecContext, registry: CodecRegistry) throws {
        let c = ext.config()
        guard let shape = c.object["chunk_shape"]?.arrayValue?.compactMap(\.intValue), shape.allSatisfy({ $0 >= 1 }),
              shape.count == c.object["chunk_shape"]?.arrayValue?.count
        else { throw c.fail("chunk_shape", "must be a list of positive integers (SH-01)") }
        guard let rep = context.representation else { throw c.fail("chunk_shape", "sharding needs the shard shape") }
        guard shape.count == rep.shape.count, zip(rep.shape, shape).allSatisfy({ $0 % $1 == 0 }) else {
            throw c.fail("chunk_shape", "\(shape) does not divide the shard shape \(rep.shape) (SH-02, E-46)")
        }
        guard let codecs = c.object["codecs"]?.arrayValue else { throw c.fail("codecs", "required (SH-01)") }
        guard let indexCodecs = c.object["index_codecs"]?.arrayValue else { throw c.fail("index_codecs", "required (SH-01)") }
        chunkShape = shape
        indexAtStart = try c.oneOf("index_location", ["start", "end"], default: "end") == "start"
        self.indexCodecs = indexCodecs
        self.registry = registry
        inner = try registry.makeChain(codecs, decoded: ChunkRepresentation(shape: shape, dataType: rep.dataType, fillValue: rep.fillValue),
                                         legacyStructured: context.legacyStructured)
        prepared = try Self.layout(rep, chunkShape: shape, indexCodecs: indexCodecs, registry: registry)  // SH-04 / E-44
    }

    /// Chunks per shard, the index chain and its encoded size, for one shard representation.
    struct Layout: Sendable {
        var shardRepresentation: ChunkRepresentation
        var chunksPerShard: [Int]
        var count: Int

        /// The grid position of the inner chunk at flat C-order index `i`.
        func position(_ i: Int) -> [Int] {
            var rest = i
            var out = [Int](repeating: 0, count: chunksPerShard.count)
            for d in chunksPerShard.indices.reversed() {
                out[d] = rest % chunksPerShard[d]
                rest /= chunksPerShard[d]
            }
            return out
        }
        var index: CodecChain
        var indexRepresentation: ChunkRepresentation
        var indexSize: Int
        var innerRepresentation: ChunkRepresentation
    }

    func layout(_ rep: ChunkRepresentation) throws -> Layout {
        if rep == prepared.shardRepresentation { return prepared }
        return try Self.layout(rep, chunkShape: chunkShape, indexCodecs: indexCodecs, registry: registry)
    }

    private static func layout(_ rep: ChunkRepresentation, chunkShape: [Int], indexCodecs: [JSON], registry: CodecRegistry) throws -> Layout {
        let cps = zip(rep.shape, chunkShape).map { $0 / $1 }
        let count = try Checked.product(cps, "inner chunks per shard")
        let indexRep = ChunkRepresentation(shape: cps + [2], dataType: .uint(bits: 64), fillValue: FillValue(bytes: [UInt8](repeating: 0xFF, count: 8)))
        let index = try registry.makeChain(indexCodecs, decoded: indexRep)
        let reps = try index.representations(indexRep)
        var size = index.arrayToBytes.encodedSize(of: reps[reps.count - 1])
        for c in index.bytesToBytes { size = size.flatMap { c.encodedSize(ofDecoded: $0) } }
        guard let size else {
            throw ZarrError(.invalidMetadata, "index_codecs must have a fixed encoded size: no compressors (SH-04, E-44)", codec: "sharding_indexed", field: "index_codecs")
        }
        return Layout(shardRepresentation: rep, chunksPerShard: cps, count: count, index: index, indexRepresentation: indexRep, indexSize: size,
                      innerRepresentation: ChunkRepresentation(shape: chunkShape, dataType: rep.dataType, fillValue: rep.fillValue))
    }

    public func encodedSize(of decoded: ChunkRepresentation) -> Int? { nil }

    /// Every inner chunk at its largest, and the index.
    public func maxEncodedSize(of decoded: ChunkRepresentation) -> Int? {
        guard let l = try? layout(decoded) else { return nil }
        let (chunks, overflow) = inner.maxStoredSize(l.innerRepresentation).multipliedReportingOverflow(by: l.count)
        return overflow ? nil : chunks.addingReportingOverflow(l.indexSize).partialValue
    }

    // MARK: Index

    /// Decodes and validates the index: sentinels both-or-neither, ranges inside the shard and
    /// clear of the index, no overflow, no overlaps (SH-05…SH-10, E-40, E-48).
    func readIndex(_ bytes: [UInt8], _ layout: Layout, shardSize: Int) throws -> [Range<Int>?] {
        let decoded: [UInt8]
        do { decoded = try layout.index.decode(bytes, layout.indexRepresentation).fixedBytes(name) } catch var e as ZarrError {
            e.message = "shard index: " + e.message
            throw e
        }
        let dataRange = indexAtStart ? layout.indexSize..<shardSize : 0..<(shardSize - layout.indexSize)
        var entries: [Range<Int>?] = []
        entries.reserveCapacity(layout.count)
        try decoded.withUnsafeBytes { p in
            for i in 0..<layout.count {
                let offset = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 16 * i, as: UInt64.self))
                let nbytes = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 16 * i + 8, as: UInt64.self))
                if offset == Self.empty && nbytes == Self.empty { entries.append(nil); continue }
                guard offset != Self.empty, nbytes != Self.empty else {
                    throw ZarrError.corrupt("shard index entry \(i) has one empty sentinel but not both (SH-06)", codec: name, problem: .shardIndex)
                }
                guard offset <= UInt64(shardSize), nbytes <= UInt64(shardSize) - offset else {
                    throw ZarrError.corrupt("shard index entry \(i) (offset \(offset), \(nbytes) bytes) runs past the \(shardSize)-byte shard (E-48)", codec: name, problem: .shardIndex)
                }
                let range = Int(offset)..<Int(offset + nbytes)
                guard range.isEmpty || (range.lowerBound >= dataRange.lowerBound && range.upperBound <= dataRange.upperBound) else {
                    throw ZarrError.corrupt("shard index entry \(i) overlaps the index itself", codec: name, problem: .shardIndex)
                }
                entries.append(range)
            }
        }
        let sorted = entries.compactMap { $0 }.filter { !$0.isEmpty }.sorted { $0.lowerBound < $1.lowerBound }
        for (a, b) in zip(sorted, sorted.dropFirst()) where a.upperBound > b.lowerBound {
            throw ZarrError.corrupt("shard index entries overlap at bytes \(b.lowerBound)…\(a.upperBound)", codec: name, problem: .shardIndex)
        }
        return entries
    }

    // MARK: Decode

    public func decode(_ bytes: [UInt8], _ decoded: ChunkRepresentation) throws -> ChunkData {
        let l = try layout(decoded)
        guard bytes.count >= l.indexSize else { throw ZarrError.corrupt("shard of \(bytes.count) bytes is shorter than its \(l.indexSize)-byte index", codec: name, problem: .shardIndex) }
        let indexBytes = indexAtStart ? Array(bytes.prefix(l.indexSize)) : Array(bytes.suffix(l.indexSize))
        let entries = try readIndex(indexBytes, l, shardSize: bytes.count)
        return try assemble(decoded, l, positions: Array(0..<l.count)) { i in
            guard let range = entries[i] else { return nil }
            return Array(bytes[range])
        }
    }

    /// Decodes the inner chunks at `positions` in parallel (`fetch(k)` gives the bytes of the k-th)
    /// and places them in a fill-valued shard.
    private func assemble(_ rep: ChunkRepresentation, _ l: Layout, positions selected: [Int],
                          fetch: (Int) throws -> [UInt8]?) throws -> ChunkData {
        let parts = try Parallel.map(selected.count) { k -> ChunkData? in
            guard let bytes = try fetch(k) else { return nil }
            return try inner.decode(bytes, l.innerRepresentation)
        }
        var out = ChunkData.filled(rep)
        for (k, part) in parts.enumerated() {
            guard let part else { continue }
            let origin = zip(l.position(selected[k]), chunkShape).map { $0 * $1 }
            ChunkCopy.copy(part, sourceShape: chunkShape, into: &out, destinationShape: rep.shape,
                           runs: ChunkCopy.runs(sourceOrigin: [Int](repeating: 0, count: chunkShape.count), destinationOrigin: origin, extent: chunkShape),
                           itemSize: rep.dataType.itemSize ?? 0)
        }
        return out
    }

    // MARK: Encode

    public func encode(_ data: ChunkData, _ decoded: ChunkRepresentation) throws -> [UInt8] {
        let l = try layout(decoded)
        let emptyChunk = ChunkData.filled(l.innerRepresentation)
        let encoded = try Parallel.map(l.count) { i -> [UInt8]? in
            var part = emptyChunk
            let origin = zip(l.position(i), chunkShape).map { $0 * $1 }
            ChunkCopy.copy(data, sourceShape: decoded.shape, into: &part, destinationShape: chunkShape,
                           runs: ChunkCopy.runs(sourceOrigin: origin, destinationOrigin: [Int](repeating: 0, count: chunkShape.count), extent: chunkShape),
                           itemSize: decoded.dataType.itemSize ?? 0)
            return part == emptyChunk ? nil : try inner.encode(part, l.innerRepresentation)  // SH-06: all-fill chunks are left empty
        }
        var body: [UInt8] = []
        var index = [UInt8]()
        index.reserveCapacity(16 * l.count)
        var offset = indexAtStart ? l.indexSize : 0
        func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { index += $0 } }
        for part in encoded {
            guard let part else { u64(Self.empty); u64(Self.empty); continue }
            u64(UInt64(offset)); u64(UInt64(part.count))
            body += part
            offset += part.count
        }
        let indexBytes = try l.index.encode(.fixed(index), l.indexRepresentation)
        guard indexBytes.count == l.indexSize else { throw ZarrError(.invalidMetadata, "index encoded to \(indexBytes.count) bytes, not \(l.indexSize)", codec: name) }
        return indexAtStart ? indexBytes + body : body + indexBytes
    }
}

extension ShardingCodec {
    static let definition = CodecDefinition("sharding_indexed") { c, ctx, registry in .arrayToBytes(try ShardingCodec(c.extensionObject, context: ctx, registry: registry)) }
}

// MARK: Partial decoding (SH-14): the index, then only the inner chunks a selection needs.
extension ShardingCodec: PartialDecodingCodec {
    public func pieceCount(_ decoded: ChunkRepresentation) throws -> Int { try layout(decoded).count }

    /// Flat indices of the inner chunks that hold the selected positions of a shard.
    public func pieces(covering runs: [AxisRun], _ rep: ChunkRepresentation) -> [Int] {
        let cps = zip(rep.shape, chunkShape).map { $0 / $1 }
        var flat: [Int] = [0]
        for d in 0..<cps.count {
            let run = runs[d], size = chunkShape[d]
            guard run.count > 0 else { return [] }
            let first = run.local / size, last = run.lastLocal / size
            // A step no longer than an inner chunk touches every inner chunk in between;
            // a longer one touches a different inner chunk with each element.
            let used = run.localStep <= size ? Array(first...last) : (0..<run.count).map { (run.local + $0 * run.localStep) / size }
            flat = flat.flatMap { f in used.map { f * cps[d] + $0 } }
        }
        return flat
    }

    public func indexRange(_ decoded: ChunkRepresentation) throws -> ByteRange {
        let l = try layout(decoded)
        return indexAtStart ? .range(offset: 0, length: l.indexSize) : .suffix(l.indexSize)
    }

    public func locate(_ wanted: [Int], index: [UInt8], size: Int, _ decoded: ChunkRepresentation) throws -> [Range<Int>?] {
        let l = try layout(decoded)
        guard size >= l.indexSize else {
            throw ZarrError.corrupt("shard of \(size) bytes is shorter than its \(l.indexSize)-byte index", codec: name, problem: .shardIndex)
        }
        let entries = try readIndex(index, l, shardSize: size)
        return wanted.map { entries[$0] }
    }

    public func decode(pieces wanted: [Int], _ bytes: [[UInt8]?], _ decoded: ChunkRepresentation) throws -> ChunkData {
        try assemble(decoded, try layout(decoded), positions: wanted) { bytes[$0] }
    }

    public func maxPieceSize(_ decoded: ChunkRepresentation) throws -> Int { inner.maxStoredSize(try layout(decoded).innerRepresentation) }

    public func pieceRepresentation(_ decoded: ChunkRepresentation) throws -> ChunkRepresentation { try layout(decoded).innerRepresentation }

    public func pieceOrigin(_ piece: Int, _ decoded: ChunkRepresentation) throws -> [Int] {
        zip(try layout(decoded).position(piece), chunkShape).map { $0 * $1 }
    }

    public func decode(piece bytes: [UInt8], _ decoded: ChunkRepresentation) throws -> ChunkData {
        try inner.decode(bytes, try layout(decoded).innerRepresentation)
    }
}
