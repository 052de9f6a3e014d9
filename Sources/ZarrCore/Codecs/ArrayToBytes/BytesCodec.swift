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
        if let bits = Self.subByteBits(decoded.dataType) {
            // EX-D01: the value sits in the low bits; the rest is written as zeros, as tensorstore does.
            let mask = UInt8((1 << bits) - 1)
            for i in bytes.indices { bytes[i] &= mask }
        }
        return bytes
    }

    /// The bit width of types stored one element per byte in its low bits, with the high bits ignored.
    static func subByteBits(_ type: DataType) -> Int? {
        switch type {
        case .subByteInt(let b, _): return b
        case .smallFloat(let f) where f.bits < 8: return f.bits
        case .complexOf(.smallFloat(let f)) where f.bits < 8: return f.bits
        default: return nil
        }
    }

    public func decode(_ bytes: [UInt8], _ decoded: ChunkRepresentation) throws -> ChunkData {
        guard let itemSize = decoded.dataType.itemSize else { throw ZarrError(.unsupported, "needs a fixed-size data type", codec: name) }
        let expected = itemSize * decoded.count
        guard bytes.count == expected else {
            throw ZarrError.corrupt("chunk has \(bytes.count) bytes where \(expected) are expected", codec: name, problem: .sizeMismatch)
        }
        var out = bytes
        ByteSwap.swap(&out, components: bigEndianComponents, itemSize: itemSize)
        if let bits = Self.subByteBits(decoded.dataType) {
            // EX-D01: high bits are ignored on read; signed values are sign-extended in memory.
            let shift = UInt8(8 - bits)
            let signed = { if case .subByteInt(_, true) = decoded.dataType { return true } else { return false } }()
            for i in out.indices { out[i] = signed ? UInt8(bitPattern: Int8(bitPattern: out[i] << shift) >> shift) : out[i] & (0xFF >> shift) }
        }
        return .fixed(out)
    }
}

extension BytesCodec {
    /// `bytes` (BY-01): v3's array→bytes codec; v2 and N5 imply it.
    static let definition = CodecDefinition("bytes") { c, ctx, _ in
        let components = ctx.dataType.scalarComponents
        let endian: String
        if c.has("endian") { endian = try c.oneOf("endian", ["little", "big"], default: "little") }
        else if components.isEmpty || ctx.legacyStructured { endian = "little" }  // BY-01; EX-D15 legacy structured reads as little
        else { throw c.fail("endian", "required for a multi-byte data type (BY-01, E-31)") }
        return .arrayToBytes(BytesCodec(bigEndianComponents: endian == "big" ? components : []))
    }
}
