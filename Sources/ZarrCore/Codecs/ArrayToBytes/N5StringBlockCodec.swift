/// A block of an N5 `string` dataset (N5-21): varlength mode (1), the block shape in N5 order,
/// then a count that is the payload's length in bytes (not the number of strings); the payload,
/// compressed as the dataset says, is UTF-8 strings each ending in NUL, in N5 element order (the
/// first N5 dimension fastest), one per element of the block.
public struct N5StringBlockCodec: ArrayToBytesCodec, N5AxisView {
    let compression: (any BytesToBytesCodec)?
    /// The dataset's blockSize, in the array's axis order.
    let blockSize: [Int]
    public let reversed: Bool
    public var name: String { "n5" }
    public var v2Configuration: JSON { .null }

    init(compression: (any BytesToBytesCodec)?, blockSize: [Int], reversed: Bool) {
        self.compression = compression
        self.blockSize = blockSize
        self.reversed = reversed
    }

    public func encodedSize(of decoded: ChunkRepresentation) -> Int? { nil }
    public func maxEncodedSize(of decoded: ChunkRepresentation) -> Int? { nil }


    public func encode(_ data: ChunkData, _ decoded: ChunkRepresentation) throws -> [UInt8] {
        guard decoded.shape.count <= 0xFFFF, decoded.shape.allSatisfy({ $0 <= Int(UInt32.max) }) else {
            throw ZarrError(.invalidArgument, "N5 blocks have at most 65535 dimensions of uint32 size", codec: name)
        }
        let items = try (order(decoded)?.encode(data, decoded) ?? data).variableItems(name)
        var payload: [UInt8] = []
        for item in items {
            guard !item.contains(0) else { throw ZarrError(.invalidArgument, "an N5 string cannot hold NUL (N5-21)", codec: name) }
            payload += item + [0]
        }
        guard let count = UInt32(exactly: payload.count) else { throw ZarrError(.invalidArgument, "an N5 string block holds under 4 GiB", codec: name) }
        var out: [UInt8] = [0, 1, UInt8(truncatingIfNeeded: decoded.shape.count >> 8), UInt8(truncatingIfNeeded: decoded.shape.count)]
        for d in toN5Order(decoded.shape) { withUnsafeBytes(of: UInt32(d).bigEndian) { out += $0 } }
        withUnsafeBytes(of: count.bigEndian) { out += $0 }
        return out + (try compression?.encode(payload) ?? payload)
    }

    public func decode(_ bytes: [UInt8], _ decoded: ChunkRepresentation) throws -> ChunkData {
        func fail(_ why: String) -> ZarrError { ZarrError.corrupt(why, codec: name, problem: .blockHeader) }
        func u32(_ at: Int) -> Int { Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3]) }
        guard bytes.count >= 4 else { throw fail("block shorter than its header (N5-16)") }
        guard bytes[0] == 0, bytes[1] == 1 else { throw fail("a block of a string dataset must be in varlength mode (1) (N5-21)") }
        let rank = Int(bytes[2]) << 8 | Int(bytes[3])
        guard rank == decoded.shape.count else { throw fail("block header has \(rank) dimensions, the dataset has \(decoded.shape.count)") }
        let header = 8 + 4 * rank
        guard bytes.count >= header else { throw fail("block shorter than its \(header)-byte header (N5-16)") }
        let n5Shape = (0..<rank).map { u32(4 + 4 * $0) }
        let shape = reversed ? Array(n5Shape.reversed()) : n5Shape
        guard zip(shape, decoded.shape).allSatisfy({ $0 >= $1 }), zip(shape, blockSize).allSatisfy({ $0 <= $1 }) else {
            throw fail("block shape \(n5Shape) disagrees with the dataset (blockSize \(toN5Order(blockSize)), this block \(toN5Order(decoded.shape))) (E-91)")
        }
        let elements = try Checked.product(shape, "block element count")
        let count = u32(4 + 4 * rank)
        // Every string takes at least its NUL: a payload shorter than the elements is corrupt, and
        // one past the decode limit is refused before anything is allocated.
        guard count >= elements, count <= CodecChain.defaultDecodeLimit else {
            throw fail("the payload of \(count) bytes cannot hold \(elements) NUL-terminated strings within the \(CodecChain.defaultDecodeLimit)-byte limit")
        }
        let stored = Array(bytes[header...])
        let payload = try compression.map { try $0.decode(stored, expectedSize: count, limit: count) } ?? stored
        guard payload.count == count else { throw fail("the header says \(count) payload bytes, the block holds \(payload.count)") }
        guard payload.last == 0 || payload.isEmpty else { throw ZarrError.corrupt("the last string has no NUL terminator (N5-21)", codec: name) }
        let items = payload.split(separator: 0, omittingEmptySubsequences: false).dropLast().map(Array.init)
        guard items.count == elements else {
            throw ZarrError.corrupt("the payload holds \(items.count) strings, the block's shape \(n5Shape) has \(elements) (N5-21)", codec: name, problem: .sizeMismatch)
        }
        let rep = ChunkRepresentation(shape: shape, dataType: decoded.dataType, fillValue: decoded.fillValue)
        let data = try order(rep)?.decode(.variable(items), rep) ?? .variable(items)
        if shape == decoded.shape { return data }
        var out = ChunkData.filled(decoded)  // a padded edge block: the part inside the array
        ChunkCopy.copy(data, sourceShape: shape, into: &out, destinationShape: decoded.shape,
                       runs: ChunkCopy.runs(sourceOrigin: [Int](repeating: 0, count: rank), destinationOrigin: [Int](repeating: 0, count: rank), extent: decoded.shape),
                       itemSize: 0)
        return out
    }
}
