/// `n5_default` (EX-C19…EX-C23): a v3 array→bytes codec whose encoded form is an N5 block in
/// default mode, so a `zarr.json` beside an N5 dataset reads its blocks.
///
/// ```json
/// {"name": "n5_default", "configuration": {"codecs": [
///   {"name": "transpose", "configuration": {"order": [1, 0]}},
///   {"name": "bytes", "configuration": {"endian": "big"}},
///   {"name": "zstd", "configuration": {"level": 0}}]}}
/// ```
/// The array's axes are N5's `dimensions` order (no reversal, EX-C21), so the header lists the
/// block shape as the chunk's. Reading decodes the payload at the header's shape and pads or
/// truncates it to the chunk (EX-C20, EX-C22); a header may not describe more elements than the
/// chunk holds (this project's bound on what a stored block can make it allocate). Writing stores
/// whole chunks in mode 0.
struct N5DefaultCodec: ArrayToBytesCodec {
    /// transpose (full reversal), bytes (big-endian), at most one bytes→bytes codec.
    let inner: CodecChain
    let rank: Int
    var name: String { "n5_default" }
    var v2Configuration: JSON { .null }

    /// The N5 data types (EX-C23): u?int8…64, float32, float64.
    static func isN5Type(_ t: DataType) -> Bool {
        switch t {
        case .int(let b), .uint(let b): return [8, 16, 32, 64].contains(b)
        case .float(let b): return b == 32 || b == 64
        default: return false
        }
    }

    init(_ ext: ExtensionObject, context: CodecContext, registry: CodecRegistry) throws {
        let c = ext.config()
        guard let rep = context.representation else { throw c.fail("codecs", "needs the chunk's representation") }
        guard Self.isN5Type(rep.dataType) else {
            throw c.fail("codecs", "data type \(rep.dataType) has no N5 equivalent (EX-C23: u?int8…64, float32, float64)")
        }
        guard let list = ext.configuration["codecs"]?.arrayValue else {
            throw c.fail("codecs", "required: [transpose, bytes, optional bytes→bytes codec] (EX-C19)")
        }
        guard (2...3).contains(list.count) else {
            throw c.fail("codecs", "holds \(list.count) codecs: transpose, bytes and at most one bytes→bytes codec (EX-C19)")
        }
        let transpose = try ExtensionObject(list[0], field: "codecs")
        let reversal = JSON.array((0..<rep.shape.count).reversed().map { .int($0) })
        guard transpose.name == "transpose", transpose.configuration["order"] == reversal else {
            throw c.fail("codecs", "the first codec must be transpose with order \(reversal.serialized()) (EX-C19)")
        }
        let bytes = try ExtensionObject(list[1], field: "codecs")
        guard bytes.name == "bytes" else { throw c.fail("codecs", "the second codec must be bytes (EX-C19)") }
        let endian = bytes.configuration["endian"]?.stringValue
        if (rep.dataType.itemSize ?? 1) > 1, endian != "big" {
            throw c.fail("codecs", "bytes must be big-endian for a multi-byte type (EX-C19), not \(endian.map { "'\($0)'" } ?? "absent")")
        }
        inner = try registry.makeChain(list, decoded: rep)
        guard inner.bytesToBytes.count == list.count - 2 else {
            throw c.fail("codecs", "the third codec must be a bytes→bytes codec (EX-C19)")
        }
        rank = rep.shape.count
    }

    static func headerSize(rank: Int) -> Int { 4 + 4 * rank }

    func encodedSize(of decoded: ChunkRepresentation) -> Int? {
        guard inner.bytesToBytes.allSatisfy({ $0.encodedSize(ofDecoded: 0) != nil }), let size = decoded.dataType.itemSize else { return nil }
        var total = decoded.count * size
        for c in inner.bytesToBytes { total = c.encodedSize(ofDecoded: total) ?? total }
        return Self.headerSize(rank: rank) + total
    }

    func maxEncodedSize(of decoded: ChunkRepresentation) -> Int? {
        guard let size = decoded.dataType.itemSize else { return nil }
        let (bytes, overflow) = decoded.count.multipliedReportingOverflow(by: size)
        return overflow ? nil : bytes + Self.headerSize(rank: rank) + 16
    }

    func encode(_ data: ChunkData, _ decoded: ChunkRepresentation) throws -> [UInt8] {
        guard decoded.shape.count <= 0xFFFF, decoded.shape.allSatisfy({ $0 <= Int(UInt32.max) }) else {
            throw ZarrError(.invalidArgument, "N5 blocks have at most 65535 dimensions of uint32 size (EX-C23)", codec: name)
        }
        var out: [UInt8] = [0, 0, UInt8(decoded.shape.count >> 8), UInt8(decoded.shape.count & 0xFF)]
        for d in decoded.shape { withUnsafeBytes(of: UInt32(d).bigEndian) { out += $0 } }
        return out + (try inner.encode(data, decoded))
    }

    func decode(_ bytes: [UInt8], _ decoded: ChunkRepresentation) throws -> ChunkData {
        func fail(_ why: String) -> ZarrError { ZarrError.corrupt(why, codec: name) }
        guard bytes.count >= 4 else { throw fail("block shorter than its header (N5-16)") }
        let mode = Int(bytes[0]) << 8 | Int(bytes[1])
        guard mode == 0 else { throw fail("block mode \(mode): n5_default reads default-mode blocks (0) only (EX-C20)") }
        let headerRank = Int(bytes[2]) << 8 | Int(bytes[3])
        guard headerRank == decoded.shape.count else {
            throw fail("block header has \(headerRank) dimensions, the array has \(decoded.shape.count) (EX-C20)")
        }
        let header = Self.headerSize(rank: headerRank)
        guard bytes.count >= header else { throw fail("block shorter than its \(header)-byte header (N5-16)") }
        let shape = (0..<headerRank).map { i in (0..<4).reduce(0) { $0 << 8 | Int(bytes[4 + 4 * i + $1]) } }
        let elements = try Checked.product(shape, "block element count")
        guard elements <= decoded.count else {
            throw fail("block header shape \(shape) holds more elements than the chunk \(decoded.shape)")
        }
        let rep = ChunkRepresentation(shape: shape, dataType: decoded.dataType, fillValue: decoded.fillValue)
        let data = try inner.decode(Array(bytes[header...]), rep)
        if shape == decoded.shape { return data }
        // EX-C20: pad (a truncated edge block, as N5-Java writes) or truncate to the chunk.
        var out = ChunkData.filled(decoded)
        let extent = zip(shape, decoded.shape).map { min($0, $1) }
        let origin = [Int](repeating: 0, count: extent.count)
        ChunkCopy.copy(data, sourceShape: shape, into: &out, destinationShape: decoded.shape,
                       runs: ChunkCopy.runs(sourceOrigin: origin, destinationOrigin: origin, extent: extent), itemSize: decoded.dataType.itemSize ?? 0)
        return out
    }
}

extension N5DefaultCodec {
    static let definition = CodecDefinition("n5_default") { c, ctx, registry in .arrayToBytes(try N5DefaultCodec(c.extensionObject, context: ctx, registry: registry)) }
}
