/// A JSON value that keeps numbers as their literal text, so 64-bit integers and float bit
/// patterns never pass through Double, and object members in their written order.
/// The parser is tolerant where Python writers are not strict (`NaN`, `Infinity`,
/// `-Infinity` tokens, V2-65 / E-80); the writer emits them only when asked to.
public enum JSON: Equatable, Sendable {
    case null
    case bool(Bool)
    /// The literal text of a number, including the non-standard tokens `NaN`, `Infinity`, `-Infinity`.
    case number(String)
    case string(String)
    case array([JSON])
    case object(JSONObject)

    public static func int<T: BinaryInteger>(_ v: T) -> JSON { .number(String(v)) }
    public static func double(_ v: Double) -> JSON { .number(JSON.format(v)) }

    /// Python's repr of a float, which is what zarr-python writes: shortest round-trip digits.
    static func format(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v < 0 ? "-Infinity" : "Infinity" }
        if v == v.rounded(), abs(v) < 1e16 { return String(format: v) }
        return "\(v)"
    }

    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    public var arrayValue: [JSON]? { if case .array(let a) = self { return a } else { return nil } }
    public var objectValue: JSONObject? { if case .object(let o) = self { return o } else { return nil } }
    public var isNull: Bool { self == .null }

    /// An integer literal with no fraction or exponent (V3-53), exactly.
    public var int64Value: Int64? { if case .number(let s) = self { return Int64(s) } else { return nil } }
    public var uint64Value: UInt64? { if case .number(let s) = self { return UInt64(s) } else { return nil } }
    public var intValue: Int? { int64Value.flatMap { Int(exactly: $0) } }
    /// Any number, including the Python tokens.
    public var doubleValue: Double? {
        guard case .number(let s) = self else { return nil }
        switch s {
        case "NaN": return .nan
        case "Infinity": return .infinity
        case "-Infinity": return -.infinity
        default: return Double(s)
        }
    }
    /// An integer given in any JSON number form whose value is integral (z5py writes `0.0`).
    public var integralValue: Int64? {
        if let i = int64Value { return i }
        guard let d = doubleValue, d.isFinite, d == d.rounded(), let i = Int64(exactly: d) else { return nil }
        return i
    }

    public subscript(key: String) -> JSON? { objectValue?[key] }
}

/// A JSON object that remembers member order.
public struct JSONObject: Equatable, Sendable, Sequence {
    public private(set) var keys: [String] = []
    private var storage: [String: JSON] = [:]

    public init() {}
    public init(_ pairs: [(String, JSON)]) { for (k, v) in pairs { self[k] = v } }

    public subscript(key: String) -> JSON? {
        get { storage[key] }
        set {
            if let newValue {
                if storage.updateValue(newValue, forKey: key) == nil { keys.append(key) }
            } else if storage.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    public func makeIterator() -> AnyIterator<(key: String, value: JSON)> {
        var i = 0
        return AnyIterator {
            guard i < keys.count else { return nil }
            defer { i += 1 }
            return (keys[i], storage[keys[i]]!)  // safe: keys and storage change together
        }
    }

    public static func == (a: JSONObject, b: JSONObject) -> Bool { a.storage == b.storage }

    public func sortedByKey() -> JSONObject {
        var o = JSONObject()
        for k in keys.sorted() { o[k] = storage[k] }
        return o
    }
}

extension JSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(String(value)) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSON...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSON)...) { self = .object(JSONObject(elements)) }
    public init(nilLiteral: ()) { self = .null }
}

private extension String {
    init(format v: Double) {
        // Integral doubles print as "1.0" (and "-0.0") in Python; keep that form.
        self = (v == 0 && v.sign == .minus ? "-" : "") + String(Int64(v)) + ".0"
    }
}
