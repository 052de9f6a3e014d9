/// numcodecs `shuffle` (NC-15): byte transposition with no header; `elementsize` <= 1 is a no-op.
/// v2 JSON: `{"id": "shuffle", "elementsize": 4}`.
public struct ShuffleCodec: BytesToBytesCodec {
    public var elementSize: Int
    public init(elementSize: Int = 4) { self.elementSize = elementSize }
    public var name: String { "numcodecs.shuffle" }
    public var v2Configuration: JSON { JSONObject.v2("shuffle", [("elementsize", .int(elementSize))]) }
    public func encodedSize(ofDecoded size: Int) -> Int? { size }

    public func encode(_ bytes: [UInt8]) throws -> [UInt8] { try transpose(bytes, forward: true) }

    public func decode(_ bytes: [UInt8], expectedSize: Int?, limit: Int) throws -> [UInt8] {
        try checkDecoded(try transpose(bytes, forward: false), expectedSize: expectedSize)
    }

    private func transpose(_ bytes: [UInt8], forward: Bool) throws -> [UInt8] {
        if elementSize <= 1 { return bytes }
        guard bytes.count % elementSize == 0 else {
            throw ZarrError.corrupt("buffer of \(bytes.count) bytes is not a multiple of elementsize \(elementSize)", codec: name)
        }
        let count = bytes.count / elementSize
        var out = [UInt8](repeating: 0, count: bytes.count)
        for i in 0..<count {
            for b in 0..<elementSize {
                if forward { out[b * count + i] = bytes[i * elementSize + b] } else { out[i * elementSize + b] = bytes[b * count + i] }
            }
        }
        return out
    }
}

extension ShuffleCodec {
    static let definition = CodecDefinition("numcodecs.shuffle", v2: ["shuffle"]) { c, _, _ in
        .bytesToBytes(ShuffleCodec(elementSize: try c.int("elementsize", default: 4)))
    }
}
