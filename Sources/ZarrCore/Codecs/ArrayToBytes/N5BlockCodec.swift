/// An N5 block (N5-16…N5-19, EX-C19…EX-C22): a big-endian header (mode, rank, block shape in N5
/// order, and for varlength mode an element count), then the compressed payload: big-endian
/// elements, the first N5 dimension varying fastest.
///
/// In the native view (N5's `dimensions` order, as N5-Java, tensorstore and `n5_default`) the
/// payload is the chunk transposed; in the reversed view (z5py, zarr-python 2) it is the chunk in
/// C order. Edge blocks may be truncated (Java, z5py) or padded (zarr-python 2, tensorstore):
/// both read; this codec writes what it is given, and the grid gives it truncated edges.
public struct N5BlockCodec: ArrayToBytesCodec, N5AxisView {
    public let reversed: Bool
    /// The dataset's blockSize, in the array's axis order: no block may exceed it.
    let blockSize: [Int]
    let compression: (any BytesToBytesCodec)?
    public var name: String { "n5" }
    public var v2Configuration: JSON { .null }

    init(compression: (any BytesToBytesCodec)?, blockSize: [Int], reversed: Bool) {
        self.compression = compression
        self.blockSize = blockSize
        self.reversed = reversed
    }

    public func encodedSize(of decoded: ChunkRepresentation) -> Int? { nil }

    /// A whole block (edge blocks may be stored padded to the full block size) and its header.
    public func maxEncodedSize(of decoded: ChunkRepresentation) -> Int? {
        guard let size = decoded.dataType.itemSize, let elements = try? Checked.product(blockSize, "block"),
              let bytes = try? Checked.multiply(elements, size, "block") else { return nil }
        return bytes.addingReportingOverflow(8 + 4 * blockSize.count).partialValue
    }

    /// The payload chain for a block of `shape` (array order).
    func payload(_ rep: ChunkRepresentation) -> CodecChain {
        let bytes = BytesCodec(bigEndianComponents: rep.dataType.scalarComponents)
        return CodecChain(arrayToArray: order(rep).map { [$0] } ?? [], arrayToBytes: bytes, bytesToBytes: compression.map { [$0] } ?? [])
    }


    public func encode(_ data: ChunkData, _ decoded: ChunkRepresentation) throws -> [UInt8] {
        var out: [UInt8] = [0, 0]
        func u16(_ v: Int) { out += [UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v)] }
        func u32(_ v: Int) { withUnsafeBytes(of: UInt32(truncatingIfNeeded: v).bigEndian) { out += $0 } }
        guard decoded.shape.count <= 0xFFFF, decoded.shape.allSatisfy({ $0 <= Int(UInt32.max) }) else {
            throw ZarrError(.invalidArgument, "N5 blocks have at most 65535 dimensions of uint32 size (EX-C23)", codec: name)
        }
        u16(decoded.shape.count)
        for d in toN5Order(decoded.shape) { u32(d) }
        return out + (try payload(decoded).encode(data, decoded))
    }

    public func decode(_ bytes: [UInt8], _ decoded: ChunkRepresentation) throws -> ChunkData {
        func fail(_ why: String) -> ZarrError { ZarrError.corrupt(why, codec: name, problem: .blockHeader) }
        func u16(_ at: Int) -> Int { Int(bytes[at]) << 8 | Int(bytes[at + 1]) }
        func u32(_ at: Int) -> Int { Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3]) }
        guard bytes.count >= 4 else { throw fail("block shorter than its header (N5-16)") }
        let mode = u16(0)
        guard mode == 0 || mode == 1 else { throw fail("block mode \(mode) on a numeric dataset (E-92): only default (0) and varlength (1) hold numbers") }
        let rank = u16(2)
        guard rank == decoded.shape.count else { throw fail("block header has \(rank) dimensions, the dataset has \(decoded.shape.count) (E-92)") }
        let headerSize = 4 + 4 * rank + (mode == 1 ? 4 : 0)
        guard bytes.count >= headerSize else { throw fail("block shorter than its \(headerSize)-byte header (N5-16)") }
        let n5Shape = (0..<rank).map { u32(4 + 4 * $0) }
        let shape = reversed ? Array(n5Shape.reversed()) : n5Shape
        let elements = try Checked.product(shape, "block element count")
        guard elements <= (1 << 31) else { throw fail("block of \(elements) elements exceeds the 2^31-byte block limit (N5-14)") }
        var count = elements
        if mode == 1 {
            count = u32(4 + 4 * rank)
            guard count <= elements else { throw fail("varlength count \(count) exceeds the block's \(elements) elements (E-93)") }
        }
        // E-91: an edge block is truncated to the array (the chunk's clipped shape) or padded up to
        // blockSize; any other shape disagrees with the dataset.
        let blockShape = decoded.shape
        guard zip(shape, blockShape).allSatisfy({ $0 >= $1 }), zip(shape, blockSize).allSatisfy({ $0 <= $1 }) else {
            throw fail("block shape \(n5Shape) disagrees with the dataset (blockSize \(toN5Order(blockSize)), this block \(toN5Order(blockShape))) (E-91)")
        }
        let rep = ChunkRepresentation(shape: shape, dataType: decoded.dataType, fillValue: decoded.fillValue)
        let payloadBytes = Array(bytes[headerSize...])
        var data: ChunkData
        if count == elements {
            data = try payload(rep).decode(payloadBytes, rep)
        } else {
            // E-93: fewer elements than the shape holds; they fill the block in N5 order, zeros after.
            let flat = ChunkRepresentation(shape: [count], dataType: decoded.dataType, fillValue: decoded.fillValue)
            let items = try CodecChain(arrayToBytes: BytesCodec(bigEndianComponents: decoded.dataType.scalarComponents), bytesToBytes: compression.map { [$0] } ?? [])
                .decode(payloadBytes, flat)
            let size = decoded.dataType.itemSize ?? 1
            var all = try items.fixedBytes(name) + [UInt8](repeating: 0, count: (elements - count) * size)
            if let order = order(rep) { all = try order.decode(.fixed(all), rep).fixedBytes(name) }
            data = .fixed(all)
        }
        if shape == blockShape { return data }
        var out = ChunkData.filled(decoded)
        let extent = zip(shape, blockShape).map { min($0, $1) }
        ChunkCopy.copy(data, sourceShape: shape, into: &out, destinationShape: blockShape,
                       runs: ChunkCopy.runs(sourceOrigin: [Int](repeating: 0, count: extent.count), destinationOrigin: [Int](repeating: 0, count: extent.count), extent: extent),
                       itemSize: decoded.dataType.itemSize ?? 0)
        return out
    }
}

/// An N5 `object` dataset's block (N5-20): mode 2, a u32 BE byte count, then the (compressed)
/// opaque payload. An object dataset reads as an array of its blocks: one variable-length
/// element per block, in the block grid's shape.
public struct N5ObjectBlockCodec: ArrayToBytesCodec {
    let compression: (any BytesToBytesCodec)?
    public var name: String { "n5.object" }
    public var v2Configuration: JSON { .null }
    public func encodedSize(of decoded: ChunkRepresentation) -> Int? { nil }

    public func encode(_ data: ChunkData, _ decoded: ChunkRepresentation) throws -> [UInt8] {
        let items = try data.variableItems(name)
        guard items.count == 1, let payload = items.first, let count = UInt32(exactly: payload.count) else {
            throw ZarrError(.invalidArgument, "an object block holds one payload under 4 GiB", codec: name)
        }
        return [0, 2] + withUnsafeBytes(of: count.bigEndian, Array.init) + (try compression?.encode(payload) ?? payload)
    }

    public func decode(_ bytes: [UInt8], _ decoded: ChunkRepresentation) throws -> ChunkData {
        guard bytes.count >= 6, bytes[0] == 0, bytes[1] == 2 else {
            throw ZarrError.corrupt("a block of an object dataset must be in object mode (2) with a byte count (N5-20)", codec: name)
        }
        let count = Int(bytes[2]) << 24 | Int(bytes[3]) << 16 | Int(bytes[4]) << 8 | Int(bytes[5])
        guard count <= CodecChain.defaultDecodeLimit else {
            throw ZarrError.corrupt("object block claims \(count) bytes, over the \(CodecChain.defaultDecodeLimit)-byte chunk limit", codec: name)
        }
        let payload = Array(bytes[6...])
        if let compression { return .variable([try compression.decode(payload, expectedSize: count, limit: CodecChain.defaultDecodeLimit)]) }
        guard payload.count == count else { throw ZarrError.corrupt("object block says \(count) bytes, holds \(payload.count)", codec: name) }
        return .variable([payload])
    }
}

/// The axis view both N5 block codecs share: N5 lists a block's axes with the first varying
/// fastest, so the native view (N5's own order) sees the C-order chunk transposed.
protocol N5AxisView {
    var reversed: Bool { get }
}

extension N5AxisView {
    func toN5Order(_ shape: [Int]) -> [Int] { reversed ? shape.reversed() : shape }

    /// Array C order ↔ N5 element order: nil when they are the same (reversed view, rank < 2).
    func order(_ rep: ChunkRepresentation) -> TransposeCodec? { reversed || rep.shape.count < 2 ? nil : TransposeCodec.fortran(rank: rep.shape.count) }
}
