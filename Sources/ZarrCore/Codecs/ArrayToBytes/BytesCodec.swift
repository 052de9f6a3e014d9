/// `bytes` (BY-01…BY-04): fixed-size elements, C order, each scalar in the chosen byte order.
/// v2 reaches it implicitly: the dtype's byte order (per field for structured dtypes) gives the
/// components stored big-endian. v3 JSON: `{"name": "bytes", "configuration": {"endian": "little"}}`.
public struct BytesCodec: ArrayToBytesCodec {
    public var bigEndianComponents: [ByteComponent]
    public var name: String { "bytes" }
    public var v2Configuration: JSON { .null }

    public init(bigEndianComponents: [ByteComponent] = []) {
        self.bigEndianComponents = bigEndianComponents
    }

    public func encodedSize(of decoded: ChunkRepresentation) -> Int? {
        decoded.dataType.itemSize.map { $0 * decoded.count }
    }

    public func encode(_ data: ChunkData, _ decoded: ChunkRepresentation) throws -> [UInt8] {
        var bytes = try data.fixedBytes(name)
        ByteSwap.swap(&bytes, components: bigEndianComponents, itemSize: decoded.dataType.itemSize ?? 1)
        return bytes
    }

    public func decode(_ bytes: [UInt8], _ decoded: ChunkRepresentation) throws -> ChunkData {
        guard let itemSize = decoded.dataType.itemSize else { throw ZarrError(.unsupported, "needs a fixed-size data type", codec: name) }
        let expected = itemSize * decoded.count
        guard bytes.count == expected else {
            throw ZarrError.corrupt("chunk has \(bytes.count) bytes where \(expected) are expected", codec: name)
        }
        var out = bytes
        ByteSwap.swap(&out, components: bigEndianComponents, itemSize: itemSize)
        return .fixed(out)
    }
}
