import Foundation
import ZarrCore

/// Compares elements that `cat`-style tools print (one element per line) by value for the
/// array's data type, so that representation alone never counts as a mismatch:
/// - numbers are parsed and rounded to the element's precision: `1000.1`, `1000.0999755859375`
///   and `"1000.1"` are the same float32; `1`, `1.0` and `true` the same bool;
/// - NaN in any spelling (`NaN`, `nan`, `"NaN"`, a v3 hex pattern that is a NaN) equals NaN, and
///   `inf`/`Infinity` the infinity; a signed zero keeps its sign;
/// - fixed-length and variable-length bytes equal as Base64 (this tool's form) or as text with
///   trailing NULs stripped (other minimal CLIs' form); fixed-length text ignores trailing NULs;
/// - a complex element is a pair, compared part by part; anything else compares as JSON.
public enum PrintedValues {
    /// Whether two printed elements hold the same value of `type`.
    public static func equal(_ a: String, _ b: String, type: DataType) -> Bool {
        let x = a.trimmingCharacters(in: .whitespaces), y = b.trimmingCharacters(in: .whitespaces)
        if x == y { return true }
        let (p, q) = (parse(x), parse(y))
        let (u, v) = (values(p, type), values(q, type))
        if !u.isEmpty, !v.isEmpty { return !u.isDisjoint(with: v) }
        return p == q
    }

    /// The first element that differs, or where one listing ends early; nil when all are equal.
    public static func firstMismatch(_ expected: [String], _ actual: [String], type: DataType) -> (index: Int, expected: String?, actual: String?)? {
        for i in 0..<max(expected.count, actual.count) {
            let e = i < expected.count ? expected[i] : nil, a = i < actual.count ? actual[i] : nil
            guard let e, let a, equal(e, a, type: type) else { return (i, e, a) }
        }
        return nil
    }

    /// A printed element as JSON; a line that is not JSON is taken as bare text (`nan`, `hello`),
    /// or as a flat list of such items when bracketed (`[1.5, nan]`).
    static func parse(_ line: String) -> JSON {
        if let json = try? JSON.parse(line) { return json }
        if line.hasPrefix("["), line.hasSuffix("]"), !line.dropFirst().dropLast().contains("[") {
            return .array(line.dropFirst().dropLast().split(separator: ",").map { parse($0.trimmingCharacters(in: .whitespaces)) })
        }
        return .string(line)
    }

    /// The canonical element bytes a printed value can stand for (more than one when its form is
    /// ambiguous, as Base64 text is); NaNs are one marker whatever their payload.
    static func values(_ json: JSON, _ type: DataType) -> Set<[UInt8]> {
        switch type {
        case .float, .bfloat16, .smallFloat: return float(json, type).map { [$0] } ?? []
        case .complex(let bits):
            return complex(json, .float(bits: bits / 2))
        case .complexOf(let part):
            return complex(json, part)
        case .bool:
            if let b = json.boolValue ?? truthWord(json) { return [[b ? 1 : 0]] }
            guard let v = number(json), v == 0 || v == 1 else { return [] }
            return [[v == 1 ? 1 : 0]]
        case .int, .uint, .subByteInt, .datetime64, .timedelta64:
            var j = json
            if let s = json.stringValue, s != "NaT" { j = .number(s) }
            if case .subByteInt = type, let v = j.integralValue { return [[UInt8(truncatingIfNeeded: v)]] }
            return (try? FillValue.parseScalar(j, type: type, lenientIntegers: true)).map { [$0.bytes] } ?? []
        case .fixedBytes(let n): return bytes(json, width: n)
        case .bytes: return bytes(json, width: nil)
        case .raw(let n):
            let list = json.arrayValue?.compactMap { $0.int64Value.flatMap { UInt8(exactly: $0) } }
            if let list, list.count == n, list.count == json.arrayValue?.count { return [list] }  // v3 r<N> as byte values
            return bytes(json, width: n)
        case .fixedUnicode:
            guard let s = json.stringValue else { return [] }
            return [Array(String(s.reversed().drop { $0 == "\0" }.reversed()).utf8)]
        case .string:
            return json.stringValue.map { [Array($0.utf8)] } ?? []
        case .structured, .vlenArray:
            return bytes(json, width: type.itemSize)
        }
    }

    static let nanMarker: [UInt8] = Array("NaN".utf8)

    static func truthWord(_ json: JSON) -> Bool? {
        switch json.stringValue?.lowercased() {
        case "true": return true
        case "false": return false
        default: return nil
        }
    }

    static func number(_ json: JSON) -> Double? {
        if case .number = json { return json.doubleValue }
        guard let s = json.stringValue?.lowercased() else { return nil }
        switch s {
        case "nan", "-nan", "+nan": return .nan
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        default: return Double(s)
        }
    }

    /// A float element rounded to its type's precision, little-endian; NaN as the marker.
    static func float(_ json: JSON, _ type: DataType) -> [UInt8]? {
        func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
        let width = type.itemSize ?? 8
        var value: Double
        if let s = json.stringValue, s.lowercased().hasPrefix("0x"), let bits = UInt64(s.dropFirst(2), radix: 16) {
            // A v3 hex pattern: the element's own bits.
            let raw = le(bits).prefix(width)
            switch type {
            case .float(16): value = Double(Float16(bitPattern: UInt16(truncatingIfNeeded: bits)))
            case .float(32): value = Double(Float(bitPattern: UInt32(truncatingIfNeeded: bits)))
            case .float: value = Double(bitPattern: bits)
            case .bfloat16: value = SmallFloatFormat.bfloat16.decode(UInt32(truncatingIfNeeded: bits))
            case .smallFloat(let f): value = f.decode(UInt32(truncatingIfNeeded: bits))
            default: return nil
            }
            return value.isNaN ? nanMarker : Array(raw)
        }
        guard let v = number(json) else { return nil }
        value = v
        if value.isNaN { return nanMarker }
        switch type {
        case .float(16): return le(Float16(value).bitPattern)
        case .float(32): return le(Float(value).bitPattern)
        case .float: return le(value.bitPattern)
        case .bfloat16: return SmallFloatFormat.bfloat16.encode(value).map { Array(le($0).prefix(2)) }
        case .smallFloat(let f): return f.encode(value).map { [UInt8(truncatingIfNeeded: $0)] }
        default: return nil
        }
    }

    static func complex(_ json: JSON, _ part: DataType) -> Set<[UInt8]> {
        guard let parts = json.arrayValue, parts.count == 2, let re = float(parts[0], part), let im = float(parts[1], part) else { return [] }
        return [re + [0xFF] + im]  // a separator keeps (NaN marker, x) apart from other splits
    }

    /// Bytes printed as Base64 or as text: both readings (trailing NULs stripped, since the
    /// element is NUL-padded to `width`).
    static func bytes(_ json: JSON, width: Int?) -> Set<[UInt8]> {
        guard let s = json.stringValue else { return [] }
        func strip(_ b: [UInt8]) -> [UInt8] { Array(b.reversed().drop { $0 == 0 }.reversed()) }
        var out: Set<[UInt8]> = []
        if let decoded = Data(base64Encoded: s), width.map({ decoded.count <= $0 }) ?? true {
            out.insert(width == nil ? Array(decoded) : strip(Array(decoded)))
        }
        let text = Array(s.utf8)
        if width.map({ text.count <= $0 }) ?? true { out.insert(width == nil ? text : strip(text)) }
        return out
    }
}
