/// The shape and type a codec sees on its decoded side (V3-82, V3-83).
public struct ChunkRepresentation: Equatable, Sendable {
    public var shape: [Int]
    public var dataType: DataType
    public var fillValue: FillValue

    public init(shape: [Int], dataType: DataType, fillValue: FillValue) {
        self.shape = shape
        self.dataType = dataType
        self.fillValue = fillValue
    }

    /// Number of elements; callers validated the product when the metadata was read.
    public var count: Int { shape.reduce(1, *) }
}

/// The decoded values of one chunk, in C order of its representation's shape.
public enum ChunkData: Equatable, Sendable {
    /// Packed canonical elements (little-endian).
    case fixed([UInt8])
    /// One byte string per element (UTF-8 for text).
    case variable([[UInt8]])

    /// A chunk where every element is the fill value.
    public static func filled(_ rep: ChunkRepresentation) -> ChunkData {
        if rep.dataType.isVariableLength { return .variable(Array(repeating: rep.fillValue.bytes, count: rep.count)) }
        let item = rep.fillValue.bytes
        let count = rep.count
        if item.allSatisfy({ $0 == 0 }) { return .fixed([UInt8](repeating: 0, count: count * item.count)) }
        var out = [UInt8]()
        out.reserveCapacity(count * item.count)
        for _ in 0..<count { out += item }
        return .fixed(out)
    }

    func fixedBytes(_ codec: String) throws -> [UInt8] {
        guard case .fixed(let b) = self else { throw ZarrError(.unsupported, "needs a fixed-size data type", codec: codec) }
        return b
    }

    func variableItems(_ codec: String) throws -> [[UInt8]] {
        guard case .variable(let v) = self else { throw ZarrError(.unsupported, "needs a variable-length data type", codec: codec) }
        return v
    }

    /// Checks that data has exactly the size of `rep` before the next step touches it: every
    /// array→array and array→bytes step gets what its representation says, or a `corruptData`
    /// error naming the codec that produced something else (a wrong-sized buffer must never
    /// reach a permutation or a copy).
    func check(_ rep: ChunkRepresentation, after codec: String) throws {
        switch self {
        case .fixed(let bytes):
            guard let size = rep.dataType.itemSize else {
                throw ZarrError.corrupt("gave fixed-size elements where the chunk holds variable-length ones", codec: codec)
            }
            let (expected, overflow) = rep.count.multipliedReportingOverflow(by: size)
            guard !overflow, bytes.count == expected else {
                throw ZarrError.corrupt("gave \(bytes.count) bytes where the chunk's shape \(rep.shape) of \(size)-byte elements needs \(expected)", codec: codec)
            }
        case .variable(let items):
            guard rep.dataType.isVariableLength else {
                throw ZarrError.corrupt("gave variable-length elements where the chunk holds fixed-size ones", codec: codec)
            }
            guard items.count == rep.count else {
                throw ZarrError.corrupt("gave \(items.count) elements where the chunk's shape \(rep.shape) needs \(rep.count)", codec: codec)
            }
        }
    }
}

/// What every codec has: its names and its configuration as written in metadata.
public protocol Codec: Sendable {
    /// The v3 name (or `numcodecs.<id>` for codecs with no registered v3 name).
    var name: String { get }
    /// The v2 configuration object, including `"id"`.
    var v2Configuration: JSON { get }
}

public protocol ArrayToArrayCodec: Codec {
    func encodedRepresentation(of decoded: ChunkRepresentation) throws -> ChunkRepresentation
    func encode(_ data: ChunkData, _ decoded: ChunkRepresentation) throws -> ChunkData
    func decode(_ data: ChunkData, _ decoded: ChunkRepresentation) throws -> ChunkData
}

public protocol ArrayToBytesCodec: Codec {
    /// The exact encoded size when it depends on the representation alone (V3-86).
    func encodedSize(of decoded: ChunkRepresentation) -> Int?
    /// The most bytes a valid encoding can take (headers included); nil when unbounded
    /// (variable-length data). Anything stored that is larger is refused before it is read.
    func maxEncodedSize(of decoded: ChunkRepresentation) -> Int?
    func encode(_ data: ChunkData, _ decoded: ChunkRepresentation) throws -> [UInt8]
    func decode(_ bytes: [UInt8], _ decoded: ChunkRepresentation) throws -> ChunkData
}

public protocol BytesToBytesCodec: Codec {
    /// The encoded size for a decoded size, when fixed (checksums add 4; compressors: nil).
    func encodedSize(ofDecoded size: Int) -> Int?
    func encode(_ bytes: [UInt8]) throws -> [UInt8]
    /// `expectedSize` is the exact decoded size when the chain knows it; `limit` caps any
    /// allocation otherwise, so a decompression bomb fails before it allocates.
    func decode(_ bytes: [UInt8], expectedSize: Int?, limit: Int) throws -> [UInt8]
}

/// A codec of any of the three kinds (V3-80).
public enum AnyCodec: Sendable {
    case arrayToArray(any ArrayToArrayCodec)
    case arrayToBytes(any ArrayToBytesCodec)
    case bytesToBytes(any BytesToBytesCodec)

    public var codec: any Codec {
        switch self {
        case .arrayToArray(let c): return c
        case .arrayToBytes(let c): return c
        case .bytesToBytes(let c): return c
        }
    }
}

extension ArrayToBytesCodec {
    public func maxEncodedSize(of decoded: ChunkRepresentation) -> Int? {
        if let exact = encodedSize(of: decoded) { return exact }
        guard let size = decoded.dataType.itemSize else { return nil }
        let (bytes, overflow) = decoded.count.multipliedReportingOverflow(by: size)
        return overflow ? nil : bytes
    }
}

extension BytesToBytesCodec {
    func checkDecoded(_ out: [UInt8], expectedSize: Int?) throws -> [UInt8] {
        if let expectedSize, out.count != expectedSize {
            throw ZarrError.corrupt("decoded \(out.count) bytes where the chunk needs exactly \(expectedSize)", codec: name, problem: .sizeMismatch)
        }
        return out
    }
}
