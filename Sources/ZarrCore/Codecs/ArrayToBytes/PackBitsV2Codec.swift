/// numcodecs `packbits` (NC-12): bool elements, one header byte with the number of padding
/// bits, then the bits packed most-significant first. v2 JSON: `{"id": "packbits"}`.
public struct PackBitsV2Codec: ArrayToBytesCodec {
    public init() {}
    public var name: String { "numcodecs.packbits" }
    public var v2Configuration: JSON { JSONObject.v2("packbits", []) }

    public func encodedSize(of decoded: ChunkRepresentation) -> Int? { 1 + Checked.ceilDiv(decoded.count, 8) }

    public func encode(_ data: ChunkData, _ decoded: ChunkRepresentation) throws -> [UInt8] {
        guard decoded.dataType == .bool else { throw ZarrError(.unsupported, "packbits needs a bool array", codec: name) }
        let bits = try data.fixedBytes(name)
        var out = [UInt8](repeating: 0, count: 1 + Checked.ceilDiv(bits.count, 8))
        out[0] = UInt8((8 - bits.count % 8) % 8)
        for (i, b) in bits.enumerated() where b != 0 { out[1 + i / 8] |= 0x80 >> UInt8(i % 8) }
        return out
    }

    public func decode(_ bytes: [UInt8], _ decoded: ChunkRepresentation) throws -> ChunkData {
        guard decoded.dataType == .bool else { throw ZarrError(.unsupported, "packbits needs a bool array", codec: name) }
        guard let padding = bytes.first, padding < 8 else { throw ZarrError.corrupt("missing or invalid padding byte", codec: name) }
        let n = (bytes.count - 1) * 8 - Int(padding)
        guard n == decoded.count else { throw ZarrError.corrupt("holds \(n) bits where the chunk has \(decoded.count) elements", codec: name) }
        var out = [UInt8](repeating: 0, count: n)
        for i in 0..<n { out[i] = (bytes[1 + i / 8] >> UInt8(7 - i % 8)) & 1 }
        return .fixed(out)
    }
}

extension PackBitsV2Codec {
    static let definition = CodecDefinition("numcodecs.packbits", v2: ["packbits"]) { _, _, _ in .arrayToBytes(PackBitsV2Codec()) }
}
