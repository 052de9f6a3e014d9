import Foundation

extension FillValue {
    /// Parses a v3 `fill_value` for a data type (V3-52…V3-58, EX-D01…EX-D17). v3 has no null.
    public static func parseV3(_ json: JSON, type: V3DataType) throws -> FillValue {
        func fail(_ why: String) -> ZarrError { ZarrError.metadata("fill_value \(json.serialized()) \(why)", field: "fill_value") }
        func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
        func small(_ j: JSON, _ f: SmallFloatFormat, bytes: Int) throws -> [UInt8] {
            let code: UInt32?
            switch j {
            case .string("NaN"): code = f.nan
            case .string("Infinity"): code = f.encode(.infinity)
            case .string("-Infinity"): code = f.encode(-.infinity)
            case .string(let s) where s.hasPrefix("0x"):
                guard s.count == 2 + (f.bits + 3) / 4, let v = UInt32(s.dropFirst(2), radix: 16), v < (1 << UInt32(f.bits)) else {
                    throw fail("is not a \((f.bits + 3) / 4)-digit hex pattern (V3-56)")
                }
                code = v
            default:
                guard case .number = j, let d = j.doubleValue, d.isFinite else { throw fail("is not a float value") }
                code = f.encode(d)
            }
            guard let code else { throw fail("cannot be represented in \(f.name)") }
            return Array(le(code).prefix(bytes))
        }
        func part(_ j: JSON, _ t: DataType) throws -> [UInt8] {
            switch t {
            case .bfloat16: return try small(j, .bfloat16, bytes: 2)
            case .smallFloat(let f): return try small(j, f, bytes: 1)
            default: return try parseScalar(j, type: t, lenientIntegers: false).bytes
            }
        }
        let t = type.dataType
        switch t {
        case .bool, .int, .uint, .float, .complex, .datetime64, .timedelta64:
            if case .bool = t, json.boolValue == nil { throw fail("must be true or false (V3-52)") }
            if case .float = t, case .string(let s) = json, !["NaN", "Infinity", "-Infinity"].contains(s), !s.hasPrefix("0x") {
                throw fail("is not a float value (V3-54)")
            }
            return try parseScalar(json, type: t, lenientIntegers: false)
        case .bfloat16, .smallFloat: return FillValue(bytes: try part(json, t))
        case .complexOf(let p):
            guard let parts = json.arrayValue, parts.count == 2 else { throw fail("must be [real, imaginary] (V3-57)") }
            return FillValue(bytes: try part(parts[0], p) + part(parts[1], p))
        case .subByteInt(let bits, let signed):
            guard let v = json.int64Value else { throw fail("must be an integer (V3-53)") }
            let lo: Int64 = signed ? -(1 << (bits - 1)) : 0, hi: Int64 = signed ? (1 << (bits - 1)) - 1 : (1 << bits) - 1
            guard v >= lo, v <= hi else { throw fail("is out of range for the type (EX-D01)") }
            return FillValue(bytes: [UInt8(truncatingIfNeeded: v)])
        case .raw(let n):
            // V3-58 / AM-01: N/8 byte values; zarr-python's raw_bytes uses Base64.
            if let s = json.stringValue, let d = Data(base64Encoded: s) {
                guard d.count <= n else { throw fail("holds more than \(n) bytes") }
                return FillValue(bytes: Array(d) + [UInt8](repeating: 0, count: n - d.count))
            }
            let bytes = try byteList(json, fail)
            guard bytes.count == n else { throw fail("must list \(n) bytes (AM-01)") }
            return FillValue(bytes: bytes)
        case .fixedBytes(let n):
            guard let s = json.stringValue, let d = Data(base64Encoded: s), d.count <= n else { throw fail("must be Base64 of at most \(n) bytes") }
            return FillValue(bytes: Array(d) + [UInt8](repeating: 0, count: n - d.count))
        case .fixedUnicode(let n):
            guard let s = json.stringValue else { throw fail("must be a string (EX-D10)") }
            let scalars = Array(s.unicodeScalars)
            guard scalars.count <= n else { throw fail("is longer than \(n) code points (EX-D10)") }
            return FillValue(bytes: scalars.flatMap { le($0.value) } + [UInt8](repeating: 0, count: 4 * (n - scalars.count)))
        case .string:
            guard let s = json.stringValue else { throw fail("must be a string (EX-D07)") }
            return FillValue(bytes: Array(s.utf8))
        case .bytes:
            if let s = json.stringValue {
                guard let d = Data(base64Encoded: s) else { throw fail("is not valid Base64 (EX-D08)") }
                return FillValue(bytes: Array(d))
            }
            return FillValue(bytes: try byteList(json, fail))
        case .structured(let fields):
            if type.isLegacyStructured, let s = json.stringValue {
                guard let d = Data(base64Encoded: s), d.count == t.itemSize else { throw fail("must be Base64 of the packed record (EX-D15)") }
                return FillValue(bytes: Array(d))
            }
            guard let o = json.objectValue else { throw fail("must be an object with a value per field (EX-D14)") }
            var out: [UInt8] = []
            for f in fields {
                guard let v = o[f.name] else { throw fail("lacks field '\(f.name)' (E-27)") }
                out += try parseV3(v, type: V3DataType(dataType: f.type, json: .null)).bytes
            }
            return FillValue(bytes: out)
        case .vlenArray:
            throw fail("has no v3 form")
        }
    }

    static func byteList(_ json: JSON, _ fail: (String) -> ZarrError) throws -> [UInt8] {
        guard let items = json.arrayValue else { throw fail("must be a list of byte values") }
        return try items.map {
            guard let v = $0.int64Value, let b = UInt8(exactly: v) else { throw fail("must hold integers in 0…255") }
            return b
        }
    }

    /// The v3 JSON of a fill value (the inverse of `parseV3`); non-canonical NaNs as hex (V3-56).
    /// `elementPrecision` prints floats as the shortest decimal at their own width (`cat`).
    public func v3JSON(type: V3DataType, elementPrecision: Bool = false) -> JSON {
        let t = type.dataType
        func small(_ range: Range<Int>, _ f: SmallFloatFormat) -> JSON {
            var code: UInt32 = 0
            for (i, b) in bytes[range].enumerated() { code |= UInt32(b) << (8 * UInt32(i)) }
            code &= (1 << UInt32(f.bits)) - 1
            let d = f.decode(code)
            if d.isNaN {
                if code == f.nan { return "NaN" }
                let hex = String(code, radix: 16)
                return .string("0x" + String(repeating: "0", count: (f.bits + 3) / 4 - hex.count) + hex)
            }
            if d.isInfinite { return .string(d < 0 ? "-Infinity" : "Infinity") }
            return elementPrecision ? .number(f.shortestDecimal(code)) : .double(d)
        }
        switch t {
        case .bool, .int, .uint, .float, .complex, .datetime64, .timedelta64: return scalarJSON(type: t, hexNaN: true, elementPrecision: elementPrecision)
        case .bfloat16: return small(0..<2, .bfloat16)
        case .smallFloat(let f): return small(0..<1, f)
        case .complexOf(let p):
            let size = p.itemSize ?? 1
            let sub = V3DataType(dataType: p, json: .null)
            return .array([FillValue(bytes: Array(bytes[0..<size])).v3JSON(type: sub, elementPrecision: elementPrecision),
                           FillValue(bytes: Array(bytes[size..<2 * size])).v3JSON(type: sub, elementPrecision: elementPrecision)])
        case .subByteInt(_, let signed): return .int(signed ? Int64(Int8(bitPattern: bytes.first ?? 0)) : Int64(bytes.first ?? 0))
        case .raw:
            if case .object(let o) = type.json, o["name"]?.stringValue == "raw_bytes" { return .string(Data(bytes).base64EncodedString()) }
            return .array(bytes.map { .int($0) })
        case .fixedBytes: return .string(Data(bytes).base64EncodedString())
        case .fixedUnicode: return v2JSON(dtype: V2DataType(dataType: t, bigEndianComponents: [], isObject: false, json: .null))
        case .string: return .string(String(decoding: bytes, as: UTF8.self))
        case .bytes: return .string(Data(bytes).base64EncodedString())
        case .structured(let fields):
            if type.isLegacyStructured { return .string(Data(bytes).base64EncodedString()) }
            var o = JSONObject()
            var offset = 0
            for f in fields {
                let size = f.size ?? 0
                o[f.name] = FillValue(bytes: Array(bytes[offset..<offset + size])).v3JSON(type: V3DataType(dataType: f.type, json: .null), elementPrecision: elementPrecision)
                offset += size
            }
            return .object(o)
        case .vlenArray: return .null
        }
    }
}
