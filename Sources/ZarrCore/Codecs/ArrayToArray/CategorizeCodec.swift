/// numcodecs `categorize` (NC-13): label i encodes as i+1, anything else as 0, and 0 decodes to "".
/// v2 JSON: `{"id": "categorize", "labels": ["a", "b"], "dtype": "<U1", "astype": "|u1"}`.
public struct CategorizeCodec: ArrayToArrayCodec {
    public let labels: [String]
    public let dtype: V2DataType, astype: V2DataType
    let encodedType: NumericType

    public init(_ config: CodecConfiguration) throws {
        guard let items = config.object["labels"]?.arrayValue else { throw config.fail("labels", "must be a list of strings") }
        labels = try items.map { guard let s = $0.stringValue else { throw config.fail("labels", "must be strings") }; return s }
        dtype = try config.dtype("dtype")
        astype = try config.dtype("astype")
        encodedType = try NumericFilter.numericType(astype, codec: "categorize", field: "astype")
        guard case .uint = encodedType else { throw config.fail("astype", "must be an unsigned integer type") }
    }

    public var name: String { "numcodecs.categorize" }
    public var v2Configuration: JSON {
        JSONObject.v2("categorize", [("labels", .array(labels.map { .string($0) })), ("dtype", dtype.json), ("astype", astype.json)])
    }

    public func encodedRepresentation(of decoded: ChunkRepresentation) throws -> ChunkRepresentation {
        NumericFilter.representation(decoded, as: astype)
    }

    /// Elements as Swift strings, whether fixed UTF-32 or variable UTF-8.
    static func strings(_ data: ChunkData, _ type: DataType) throws -> [String] {
        switch (data, type) {
        case (.variable(let items), _): return items.map { String(decoding: $0, as: UTF8.self) }
        case (.fixed(let bytes), .fixedUnicode(let n)):
            return stride(from: 0, to: bytes.count, by: max(4 * n, 1)).map { start in
                var s = ""
                for i in 0..<n {
                    let o = start + 4 * i
                    let v = UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16 | UInt32(bytes[o + 3]) << 24
                    if v == 0 { break }
                    s.unicodeScalars.append(Unicode.Scalar(v) ?? "\u{FFFD}")
                }
                return s
            }
        default: throw ZarrError(.unsupported, "categorize needs a unicode or text array", codec: "categorize")
        }
    }

    public func encode(_ data: ChunkData, _ decoded: ChunkRepresentation) throws -> ChunkData {
        let values = try Self.strings(data, decoded.dataType)
        var out = [UInt8](repeating: 0, count: values.count * encodedType.size)
        out.withUnsafeMutableBytes { dst in
            for (i, v) in values.enumerated() {
                Numeric.storeBits(dst, i, encodedType, UInt64(labels.firstIndex(of: v).map { $0 + 1 } ?? 0))
            }
        }
        return .fixed(out)
    }

    public func decode(_ data: ChunkData, _ decoded: ChunkRepresentation) throws -> ChunkData {
        let codes = try data.fixedBytes(name)
        let count = codes.count / encodedType.size
        let values: [String] = codes.withUnsafeBytes { src in
            (0..<count).map { i in
                let k = Numeric.loadBits(src, i, encodedType)
                return k >= 1 && k <= UInt64(labels.count) ? labels[Int(k) - 1] : ""
            }
        }
        switch decoded.dataType {
        case .fixedUnicode(let n):
            var out = [UInt8](repeating: 0, count: count * 4 * n)
            for (i, v) in values.enumerated() {
                for (j, u) in v.unicodeScalars.prefix(n).enumerated() {
                    withUnsafeBytes(of: u.value.littleEndian) { out.replaceSubrange((i * n + j) * 4..<(i * n + j) * 4 + 4, with: $0) }
                }
            }
            return .fixed(out)
        default:
            return .variable(values.map { Array($0.utf8) })
        }
    }
}

extension CategorizeCodec {
    static let definition = CodecDefinition("numcodecs.categorize", v2: ["categorize"]) { c, _, _ in .arrayToArray(try CategorizeCodec(c)) }
}
