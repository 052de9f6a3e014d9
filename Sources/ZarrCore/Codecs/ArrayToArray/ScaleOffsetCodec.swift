/// v3 `scale_offset` (EX-C07, EX-C08): encode (x - offset) * scale, decode x / scale + offset, in
/// the input type's arithmetic; any value the type cannot hold is an error, and the fill value
/// is transformed the same way. JSON: `{"name": "scale_offset", "configuration": {"offset": 5, "scale": 2}}`.
public struct ScaleOffsetCodec: ArrayToArrayCodec {
    let offset: Scalar, scale: Scalar
    let type: DataType
    public var name: String { "scale_offset" }
    public var v2Configuration: JSON { .null }

    init(_ ext: ExtensionObject, context: CodecContext) throws {
        let c = ext.config()
        for key in ext.configuration.keys where key != "offset" && key != "scale" { throw c.fail(key, "unknown member (EX-C07)").because(.unknownMember) }
        let t = context.dataType
        guard Scalar.supports(t), t != .bool else { throw ZarrError(.unsupported, "scale_offset needs a numeric type", codec: "scale_offset") }
        type = t
        offset = try Self.scalar(c, "offset", 0, t)
        scale = try Self.scalar(c, "scale", 1, t)
        if scale.double == 0 { throw c.fail("scale", "must not be zero") }
    }

    /// A configuration scalar in the input type's fill-value encoding (EX-C07).
    static func scalar(_ c: CodecConfiguration, _ key: String, _ fallback: Int64, _ type: DataType) throws -> Scalar {
        guard let json = c.object[key] else { return Scalar.integerRange(type) == nil ? .float(Double(fallback)) : .int(fallback) }
        let bytes = try FillValue.parseV3(json, type: V3DataType(dataType: type, json: .null)).bytes
        return bytes.withUnsafeBytes { Scalar.load($0, 0, type) }
    }

    func apply(_ x: Scalar, forward: Bool) throws -> Scalar {
        if let range = Scalar.integerRange(type) {
            guard let v = x.int128, let o = offset.int128, let s = scale.int128 else { throw ZarrError.corrupt("non-integer value", codec: name) }
            let r: Int128
            if forward { r = (v - o) * s }
            else {
                guard v % s == 0 else { throw ZarrError.corrupt("\(v) / \(s) is not an integer (EX-C08)", codec: name) }
                r = v / s + o
            }
            guard range.contains(r) else { throw ZarrError.corrupt("\(r) is outside the range of the data type (EX-C08)", codec: name) }
            return Scalar.fromInt128(r)
        }
        // Floats: each step rounded to the type, as its own arithmetic would.
        func t(_ d: Double) -> Double { CastValueCodec.roundFloat(d, to: type, mode: .nearestEven) ?? .nan }
        let v = x.double, o = t(offset.double), s = t(scale.double)
        let r = forward ? t(t(v - o) * s) : t(t(v / s) + o)
        if r.isInfinite && v.isFinite { throw ZarrError.corrupt("\(v) overflows the data type (EX-C08)", codec: name) }
        return .float(r)
    }

    func map(_ bytes: [UInt8], forward: Bool) throws -> [UInt8] {
        let size = type.itemSize ?? 1
        var out = bytes
        try out.withUnsafeMutableBytes { p in
            for i in 0..<(bytes.count / size) { Scalar.store(p, i, type, try apply(Scalar.load(UnsafeRawBufferPointer(p), i, type), forward: forward)) }
        }
        return out
    }

    public func encodedRepresentation(of decoded: ChunkRepresentation) throws -> ChunkRepresentation {
        var rep = decoded
        rep.fillValue = FillValue(bytes: try map(decoded.fillValue.bytes, forward: true))  // EX-C08
        return rep
    }

    public func encode(_ data: ChunkData, _ decoded: ChunkRepresentation) throws -> ChunkData { .fixed(try map(try data.fixedBytes(name), forward: true)) }
    public func decode(_ data: ChunkData, _ decoded: ChunkRepresentation) throws -> ChunkData { .fixed(try map(try data.fixedBytes(name), forward: false)) }
}

extension ScaleOffsetCodec {
    static let definition = CodecDefinition("scale_offset") { c, ctx, _ in .arrayToArray(try ScaleOffsetCodec(c.extensionObject, context: ctx)) }
}
