/// v3 `cast_value` (EX-C04…EX-C06): converts values to another numeric type. Order: scalar_map,
/// then exact representability, then rounding followed by out_of_range; anything else is an error.
/// JSON: `{"name": "cast_value", "configuration": {"data_type": "uint8", "rounding": "nearest-even",
/// "out_of_range": "clamp", "scalar_map": {"encode": [["NaN", 0]], "decode": [[0, "NaN"]]}}}`.
public struct CastValueCodec: ArrayToArrayCodec {
    public enum Rounding: String, Sendable { case nearestEven = "nearest-even", towardsZero = "towards-zero", towardsPositive = "towards-positive", towardsNegative = "towards-negative", nearestAway = "nearest-away" }
    public enum OutOfRange: String, Sendable { case clamp, wrap }

    let source: DataType, target: V3DataType
    let rounding: Rounding
    let outOfRange: OutOfRange?
    let encodeMap: [([UInt8], [UInt8])], decodeMap: [([UInt8], [UInt8])]
    public var name: String { "cast_value" }
    public var v2Configuration: JSON { .null }

    init(_ ext: ExtensionObject, context: CodecContext) throws {
        let c = ext.config()
        for key in ext.configuration.keys where !["data_type", "rounding", "out_of_range", "scalar_map"].contains(key) {
            throw c.fail(key, "unknown member (EX-C04)").because(.unknownMember)
        }
        guard let dt = c.object["data_type"] else { throw c.fail("data_type", "required (EX-C04)") }
        source = context.dataType
        target = try V3DataType.parse(dt)
        guard Scalar.supports(source), Scalar.supports(target.dataType) else { throw ZarrError(.unsupported, "cast_value casts numeric types only", codec: "cast_value") }
        guard let r = Rounding(rawValue: try c.string("rounding", default: "nearest-even")) else { throw c.fail("rounding", "unknown rounding mode") }
        rounding = r
        if c.has("out_of_range") {
            guard let o = OutOfRange(rawValue: try c.string("out_of_range")) else { throw c.fail("out_of_range", "must be clamp or wrap") }
            if o == .wrap, Scalar.integerRange(target.dataType) == nil { throw c.fail("out_of_range", "wrap needs an integer target (EX-C05)") }
            outOfRange = o
        } else { outOfRange = nil }
        func pairs(_ key: String, from: DataType, to: DataType) throws -> [([UInt8], [UInt8])] {
            guard let list = c.object["scalar_map"]?[key]?.arrayValue else { return [] }
            return try list.map { pair in
                guard let p = pair.arrayValue, p.count == 2 else { throw c.fail("scalar_map", "entries are [input, output] pairs (EX-C06)") }
                return (try FillValue.parseV3(p[0], type: V3DataType(dataType: from, json: .null)).bytes,
                        try FillValue.parseV3(p[1], type: V3DataType(dataType: to, json: .null)).bytes)
            }
        }
        encodeMap = try pairs("encode", from: source, to: target.dataType)
        decodeMap = try pairs("decode", from: target.dataType, to: source)
        // EX-C06: the fill value must survive the round trip.
        if let fill = context.representation?.fillValue {
            let there = try cast(fill.bytes, from: source, to: target.dataType, map: encodeMap)
            let back = try cast(there, from: target.dataType, to: source, map: decodeMap)
            guard Self.same(back, fill.bytes, source) else { throw c.fail("data_type", "the fill value does not survive the cast and back (EX-C06)") }
        }
    }

    static func same(_ a: [UInt8], _ b: [UInt8], _ t: DataType) -> Bool {
        if a == b { return true }
        let x = a.withUnsafeBytes { Scalar.load($0, 0, t) }, y = b.withUnsafeBytes { Scalar.load($0, 0, t) }
        return x.isNaN && y.isNaN
    }

    public func encodedRepresentation(of decoded: ChunkRepresentation) throws -> ChunkRepresentation {
        ChunkRepresentation(shape: decoded.shape, dataType: target.dataType,
                            fillValue: FillValue(bytes: try cast(decoded.fillValue.bytes, from: source, to: target.dataType, map: encodeMap)))
    }

    public func encode(_ data: ChunkData, _ decoded: ChunkRepresentation) throws -> ChunkData {
        .fixed(try cast(try data.fixedBytes(name), from: source, to: target.dataType, map: encodeMap))
    }

    public func decode(_ data: ChunkData, _ decoded: ChunkRepresentation) throws -> ChunkData {
        .fixed(try cast(try data.fixedBytes(name), from: target.dataType, to: source, map: decodeMap))
    }

    func cast(_ bytes: [UInt8], from: DataType, to: DataType, map: [([UInt8], [UInt8])]) throws -> [UInt8] {
        let inSize = from.itemSize ?? 1, outSize = to.itemSize ?? 1
        let count = bytes.count / inSize
        var out = [UInt8](repeating: 0, count: count * outSize)
        try bytes.withUnsafeBytes { src in
            try out.withUnsafeMutableBytes { dst in
                outer: for i in 0..<count {
                    let element = src[i * inSize..<(i + 1) * inSize]
                    for (key, value) in map where key.elementsEqual(element) || (Scalar.load(src, i, from).isNaN && Self.same(key, Array(element), from)) {
                        for (k, b) in value.enumerated() { dst[i * outSize + k] = b }
                        continue outer
                    }
                    Scalar.store(dst, i, to, try convert(Scalar.load(src, i, from), to: to))
                }
            }
        }
        return out
    }

    func convert(_ v: Scalar, to: DataType) throws -> Scalar {
        if let range = Scalar.integerRange(to) {
            let integral: Int128
            if let exact = v.int128 { integral = exact }
            else {
                let d = v.double
                guard d.isFinite else { throw ZarrError.corrupt("\(d) has no integer value and no scalar_map entry (EX-C05)", codec: name) }
                let r = d.rounded(rounding.rule)
                guard abs(r) < 1.7e38 else { return try outside(r > 0 ? range.upperBound + 1 : range.lowerBound - 1, range, value: d) }
                integral = Int128(r)
            }
            return range.contains(integral) ? Scalar.fromInt128(integral) : try outside(integral, range, value: v.double)
        }
        let d = v.double
        if d.isNaN {
            if case .smallFloat(let f) = to, f.nan == nil { throw ZarrError.corrupt("NaN has no value in \(f.name) and no scalar_map entry", codec: name) }
            return .float(d)
        }
        guard let r = Self.roundFloat(d, to: to, mode: rounding) else { throw ZarrError.corrupt("\(d) cannot be represented", codec: name) }
        if r.isInfinite && !d.isInfinite {
            guard outOfRange == .clamp else { throw ZarrError.corrupt("\(d) is out of range and no out_of_range rule is set (EX-C05)", codec: name) }
            if Self.roundFloat(r, to: to, mode: .nearestEven)?.isInfinite == true { return .float(r) }  // EX-C05: clamp goes to ±Inf where the type has it
        }
        return .float(r)
    }

    func outside(_ v: Int128, _ range: ClosedRange<Int128>, value: Double) throws -> Scalar {
        switch outOfRange {
        case .clamp?: return Scalar.fromInt128(v < range.lowerBound ? range.lowerBound : range.upperBound)
        case .wrap?:
            let span = range.upperBound - range.lowerBound + 1
            var w = (v - range.lowerBound) % span
            if w < 0 { w += span }
            return Scalar.fromInt128(w + range.lowerBound)
        case nil: throw ZarrError.corrupt("\(value) is out of range and no out_of_range rule is set (EX-C05)", codec: name)
        }
    }

    /// Rounds a double to a float type with a rounding mode; nil when the type cannot hold it.
    static func roundFloat(_ d: Double, to t: DataType, mode: Rounding) -> Double? {
        func directed<F: BinaryFloatingPoint>(_ nearest: F) -> Double {
            let n = Double(nearest)
            if n == d || n.isNaN { return n }
            let below = n < d ? nearest : nearest.nextDown, above = n > d ? nearest : nearest.nextUp
            switch mode {
            case .nearestEven: return n
            case .towardsZero: return d > 0 ? Double(below) : Double(above)
            case .towardsPositive: return Double(above)
            case .towardsNegative: return Double(below)
            case .nearestAway:
                let lo = Double(below), hi = Double(above)
                if d - lo == hi - d { return d > 0 ? hi : lo }
                return n
            }
        }
        switch t {
        case .float(64): return d
        case .float(32): return directed(Float(d))
        case .float(16): return directed(Float16(d))
        case .bfloat16: return SmallFloatFormat.bfloat16.encode(d).map { SmallFloatFormat.bfloat16.decode($0) }
        case .smallFloat(let f): return f.encode(d).map { f.decode($0) }
        default: return nil
        }
    }
}

extension CastValueCodec.Rounding {
    var rule: FloatingPointRoundingRule {
        switch self {
        case .nearestEven: return .toNearestOrEven
        case .towardsZero: return .towardZero
        case .towardsPositive: return .up
        case .towardsNegative: return .down
        case .nearestAway: return .toNearestOrAwayFromZero
        }
    }
}

extension CastValueCodec {
    static let definition = CodecDefinition("cast_value") { c, ctx, _ in .arrayToArray(try CastValueCodec(c.extensionObject, context: ctx)) }
}
