import Foundation

/// A fill value as one element in canonical layout (little-endian, packed); for variable-length
/// types, the element's bytes (UTF-8 for text). `nil` in metadata stands for JSON null.
public struct FillValue: Equatable, Sendable {
    public var bytes: [UInt8]
    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// The all-zero element: what a null fill reads as (V2-42, documented choice: zeros).
    public static func zero(for type: DataType) -> FillValue { FillValue(bytes: [UInt8](repeating: 0, count: type.itemSize ?? 0)) }
}

extension FillValue {
    /// Parses a v2 `fill_value` (V2-40…V2-46) for the given dtype. Returns nil for JSON null.
    public static func parseV2(_ json: JSON, dtype: V2DataType) throws -> FillValue? {
        if json.isNull { return nil }
        let type = dtype.dataType
        func fail(_ why: String) -> ZarrError { ZarrError.metadata("fill_value \(json.serialized()) \(why)", field: "fill_value") }
        switch type {
        case .string:
            // V2-46: for vlen-utf8 the fill is a string; 0 or other scalars mean the empty string.
            return FillValue(bytes: Array((json.stringValue ?? "").utf8))
        case .bytes, .vlenArray:
            if let s = json.stringValue, let d = Data(base64Encoded: s) { return FillValue(bytes: Array(d)) }
            return FillValue(bytes: [])
        case .fixedBytes, .raw, .structured:
            guard let size = type.itemSize else { throw fail("is not valid for this dtype") }
            if let s = json.stringValue {
                guard var raw = Data(base64Encoded: s).map(Array.init) else { throw fail("is not valid Base64 (V2-41)") }
                guard raw.count <= size else { throw fail("holds \(raw.count) bytes, more than the \(size)-byte element") }
                raw += [UInt8](repeating: 0, count: size - raw.count)
                ByteSwap.swap(&raw, components: dtype.bigEndianComponents, itemSize: size)
                return FillValue(bytes: raw)
            }
            // V2-45: legacy files wrote 0 for S and structured.
            if json.integralValue == 0 { return .zero(for: type) }
            throw fail("must be a Base64 string for \(dtype.json.serialized())")
        case .fixedUnicode(let n):
            guard let s = json.stringValue else {
                if json.integralValue == 0 { return .zero(for: type) }
                throw fail("must be a string")
            }
            let scalars = Array(s.unicodeScalars)
            guard scalars.count <= n else { throw fail("is longer than \(n) characters") }
            var out = [UInt8](repeating: 0, count: 4 * n)
            for (i, u) in scalars.enumerated() { withUnsafeBytes(of: u.value.littleEndian) { out.replaceSubrange(4 * i..<4 * i + 4, with: $0) } }
            return FillValue(bytes: out)
        default:
            return try parseScalar(json, type: type, lenientIntegers: true)
        }
    }

    /// Scalar fill values shared by v2 and v3: bool, integers, floats, complex, datetimes.
    /// `lenientIntegers` accepts integral floats (`0.0`, as z5py writes in v2); v3 refuses them (V3-53).
    public static func parseScalar(_ json: JSON, type: DataType, lenientIntegers: Bool) throws -> FillValue {
        func fail(_ why: String) -> ZarrError { ZarrError.metadata("fill_value \(json.serialized()) \(why)", field: "fill_value") }
        func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
        func float(_ j: JSON, bits: Int) throws -> [UInt8] {
            let d: Double
            if let s = j.stringValue {
                switch s {
                case "NaN": d = .nan
                case "Infinity": d = .infinity
                case "-Infinity": d = -.infinity
                default:
                    if s.hasPrefix("0x"), let bitsValue = UInt64(s.dropFirst(2), radix: 16), s.count == 2 + bits / 4 {
                        return Array(le(bitsValue).prefix(bits / 8))
                    }
                    throw fail("is not a valid float")
                }
            } else if let v = j.doubleValue { d = v } else { throw fail("is not a number") }
            switch bits {
            case 16: return le(Float16(d).bitPattern)
            case 32: return le(Float(d).bitPattern)
            default: return le(d.bitPattern)
            }
        }
        switch type {
        case .bool:
            if let b = json.boolValue { return FillValue(bytes: [b ? 1 : 0]) }
            if lenientIntegers, let i = json.integralValue, i == 0 || i == 1 { return FillValue(bytes: [UInt8(i)]) }
            throw fail("must be true or false")
        case .int(let bits):
            guard let v = json.int64Value ?? (lenientIntegers ? json.integralValue : nil) else {
                throw fail("must be an integer")
            }
            let lo = bits == 64 ? Int64.min : -(Int64(1) << (bits - 1))
            let hi = bits == 64 ? Int64.max : (Int64(1) << (bits - 1)) - 1
            guard v >= lo, v <= hi else { throw fail("is out of range for int\(bits)") }
            return FillValue(bytes: Array(le(v).prefix(bits / 8)))
        case .uint(let bits):
            let value: UInt64
            if let v = json.uint64Value { value = v }
            else if lenientIntegers, let v = json.integralValue, v >= 0 { value = UInt64(v) }
            else { throw fail("must be a non-negative integer") }
            guard bits == 64 || value < (UInt64(1) << bits) else { throw fail("is out of range for uint\(bits)") }
            return FillValue(bytes: Array(le(value).prefix(bits / 8)))
        case .float(let bits):
            return FillValue(bytes: try float(json, bits: bits))
        case .complex(let bits):
            if let parts = json.arrayValue {
                guard parts.count == 2 else { throw fail("must be [real, imaginary]") }
                return FillValue(bytes: try float(parts[0], bits: bits / 2) + float(parts[1], bits: bits / 2))
            }
            return FillValue(bytes: try float(json, bits: bits / 2) + float(0, bits: bits / 2))
        case .datetime64, .timedelta64:
            // V2-44 / EX-D17: "NaT" and -2^63 are the same value.
            if json.stringValue == "NaT" { return FillValue(bytes: le(Int64.min)) }
            guard let v = json.int64Value ?? (lenientIntegers ? json.integralValue : nil) else { throw fail("must be an integer or \"NaT\"") }
            return FillValue(bytes: le(v))
        default:
            throw fail("cannot be given for this data type")
        }
    }

    /// Encodes a fill value as v2 writes it (the inverse of `parseV2`). `elementPrecision`
    /// prints floats as the shortest decimal at their own width (`cat`), not as the double
    /// zarr-python writes in metadata (`1000.1` rather than `1000.0999755859375` for float32).
    public func v2JSON(dtype: V2DataType, elementPrecision: Bool = false) -> JSON {
        let type = dtype.dataType
        switch type {
        case .string: return .string(String(decoding: bytes, as: UTF8.self))
        case .bytes, .vlenArray: return bytes.isEmpty ? .null : .string(Data(bytes).base64EncodedString())
        case .fixedBytes, .raw, .structured:
            var stored = bytes
            ByteSwap.swap(&stored, components: dtype.bigEndianComponents, itemSize: bytes.count)
            return .string(Data(stored).base64EncodedString())
        case .fixedUnicode:
            var scalars: [Unicode.Scalar] = []
            for i in stride(from: 0, to: bytes.count, by: 4) {
                let v = UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24
                if v == 0 { break }
                scalars.append(Unicode.Scalar(v) ?? "\u{FFFD}")
            }
            var s = ""
            s.unicodeScalars.append(contentsOf: scalars)
            return .string(s)
        default:
            return scalarJSON(type: type, hexNaN: false, elementPrecision: elementPrecision)
        }
    }

    /// Scalar types as JSON: integers exactly, floats as numbers or the special strings.
    func scalarJSON(type: DataType, hexNaN: Bool, elementPrecision: Bool = false) -> JSON {
        func uint(_ range: Range<Int>) -> UInt64 {
            var v: UInt64 = 0
            for (i, b) in bytes[range].enumerated() { v |= UInt64(b) << (8 * i) }
            return v
        }
        func float(_ range: Range<Int>) -> JSON {
            let raw = uint(range)
            let d: Double, shortest: String?
            switch range.count {
            case 2:
                let h = Float16(bitPattern: UInt16(raw))
                (d, shortest) = (Double(h), h.description)
            case 4:
                let f = Float(bitPattern: UInt32(raw))
                (d, shortest) = (Double(f), f.description)
            default: (d, shortest) = (Double(bitPattern: raw), nil)
            }
            if d.isNaN {
                let canonical: UInt64 = range.count == 2 ? 0x7e00 : range.count == 4 ? 0x7fc0_0000 : 0x7ff8_0000_0000_0000
                if hexNaN && raw != canonical {
                    let hex = String(raw, radix: 16)
                    return .string("0x" + String(repeating: "0", count: range.count * 2 - hex.count) + hex)
                }
                return "NaN"
            }
            // V2-40 / V3-54: infinities are the strings, never bare tokens.
            if d.isInfinite { return .string(d < 0 ? "-Infinity" : "Infinity") }
            if elementPrecision, let shortest { return .number(shortest) }  // Swift's shortest round-trip digits at the element's width
            return .double(d)
        }
        switch type {
        case .bool: return .bool(bytes.first == 1)
        case .int(let bits):
            let raw = uint(0..<bits / 8)
            let shift = UInt64(64 - bits)
            return .int(Int64(bitPattern: raw << shift) >> Int64(shift))
        case .uint(let bits): return .int(uint(0..<bits / 8))
        case .float(let bits): return float(0..<bits / 8)
        case .complex(let bits): return .array([float(0..<bits / 16), float(bits / 16..<bits / 8)])
        case .datetime64, .timedelta64: return .int(Int64(bitPattern: uint(0..<8)))
        default: return .null
        }
    }
}
