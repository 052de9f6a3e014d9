/// A Zarr v3 `data_type` (V3-12, V3-50, section 4.3): a core name, a registered extension, or one
/// of zarr-python's unregistered names (EX-U02, `variable_length_bytes`).
public struct V3DataType: Equatable, Sendable {
    public var dataType: DataType
    /// As written, re-emitted unchanged.
    public var json: JSON
    /// The legacy `structured` name (EX-D15): read-only, its `bytes` codec may omit `endian`.
    public var isLegacyStructured = false

    static let coreNames: [String: DataType] = [
        "bool": .bool, "int8": .int(bits: 8), "int16": .int(bits: 16), "int32": .int(bits: 32), "int64": .int(bits: 64),
        "uint8": .uint(bits: 8), "uint16": .uint(bits: 16), "uint32": .uint(bits: 32), "uint64": .uint(bits: 64),
        "float16": .float(bits: 16), "float32": .float(bits: 32), "float64": .float(bits: 64),
        "complex64": .complex(bits: 64), "complex128": .complex(bits: 128),
        "complex_float32": .complex(bits: 64), "complex_float64": .complex(bits: 128),
        "bfloat16": .bfloat16, "complex_float16": .complexOf(.float(bits: 16)), "complex_bfloat16": .complexOf(.bfloat16),
        "int2": .subByteInt(bits: 2, signed: true), "int4": .subByteInt(bits: 4, signed: true),
        "uint2": .subByteInt(bits: 2, signed: false), "uint4": .subByteInt(bits: 4, signed: false),
        "string": .string, "bytes": .bytes, "variable_length_bytes": .bytes,
    ]

    public static func parse(_ json: JSON) throws -> V3DataType {
        func fail(_ why: String) -> ZarrError { ZarrError.metadata(why, field: "data_type") }
        let name: String
        let configuration: JSONObject
        switch json {
        case .string(let s): name = s; configuration = JSONObject()
        case .object(let o):
            guard let n = o["name"]?.stringValue else { throw fail("an extension object needs a string name (V3-41)") }
            switch o["must_understand"] {
            case nil, .bool(true)?: break  // true is the default (V3-43)
            case .bool(false)?: throw fail("must_understand: false is not allowed on a data type (V3-45)")
            default: throw fail("must_understand must be a boolean")
            }
            for key in o.keys where !["name", "configuration", "must_understand"].contains(key) { throw fail("unknown member '\(key)' in data_type").because(.unknownMember) }
            name = n
            configuration = o["configuration"]?.objectValue ?? JSONObject()
        default: throw fail("must be a name or an extension object")
        }
        let c = CodecConfiguration(codec: name, object: configuration)
        if let t = coreNames[name] { return V3DataType(dataType: t, json: json) }
        if let f = SmallFloatFormat.named(name) { return V3DataType(dataType: .smallFloat(f), json: json) }
        if name.hasPrefix("complex_"), let f = SmallFloatFormat.named(String(name.dropFirst(8))) {
            return V3DataType(dataType: .complexOf(.smallFloat(f)), json: json)
        }
        if name.hasPrefix("r"), let bits = Int(name.dropFirst()), bits > 0, bits % 8 == 0, bits <= 1 << 24 {
            return V3DataType(dataType: .raw(bits / 8), json: json)  // V3-51
        }
        switch name {
        case "fixed_length_utf32":
            let k = try c.int("length_bytes")
            guard k >= 0, k % 4 == 0, k <= 1 << 24 else { throw fail("length_bytes must be a multiple of 4 (EX-D09)") }
            return V3DataType(dataType: .fixedUnicode(k / 4), json: json)
        case "null_terminated_bytes", "raw_bytes":
            let k = try c.int("length_bytes")
            guard k >= 0, k <= 1 << 24 else { throw fail("length_bytes must be non-negative") }
            return V3DataType(dataType: name == "raw_bytes" ? .raw(k) : .fixedBytes(k), json: json)
        case "numpy.datetime64", "numpy.timedelta64":
            for key in configuration.keys where key != "unit" && key != "scale_factor" { throw fail("unknown member '\(key)' (EX-D16)").because(.unknownMember) }
            var unit = try c.string("unit")
            if unit == "μs" { unit = "us" }
            guard TimeUnit.units.contains(unit) else { throw fail("unknown unit '\(unit)' (EX-D16)") }
            let scale = try c.int("scale_factor", default: 1)
            guard scale >= 1, scale <= Int(Int32.max) else { throw fail("scale_factor must be in 1…2^31-1 (EX-D16)") }
            let u = TimeUnit(unit: unit, scale: scale)
            return V3DataType(dataType: name == "numpy.datetime64" ? .datetime64(u) : .timedelta64(u), json: json)
        case "struct", "structured":
            guard let fields = configuration["fields"]?.arrayValue, !fields.isEmpty else { throw fail("struct needs at least one field (EX-D11)") }
            var out: [StructField] = []
            var names = Set<String>()
            for f in fields {
                let fieldName: String?, fieldType: JSON?
                if let pair = f.arrayValue, pair.count == 2 { fieldName = pair[0].stringValue; fieldType = pair[1] }  // legacy tuples
                else { fieldName = f["name"]?.stringValue; fieldType = f["data_type"] }
                guard let fieldName, !fieldName.isEmpty, let fieldType else { throw fail("each field needs a non-empty name and a data_type") }
                guard names.insert(fieldName).inserted else { throw fail("duplicate field name '\(fieldName)' (EX-D11)") }
                let inner = try parse(fieldType)
                guard inner.dataType.itemSize != nil else { throw fail("field '\(fieldName)' has a variable-length type (EX-D12)") }
                out.append(StructField(name: fieldName, type: inner.dataType))
            }
            var t = V3DataType(dataType: .structured(out), json: json)
            t.isLegacyStructured = name == "structured"
            guard let size = t.dataType.itemSize, size <= 1 << 24 else { throw fail("struct is too large") }
            return t
        default:
            throw RegisteredExtensions.unknown(name, .dataType)
        }
    }

    /// The canonical v3 form of a type, for writing new arrays.
    public static func json(for type: DataType) -> JSON {
        if let name = coreNames.first(where: { $0.value == type && !["complex_float32", "complex_float64", "variable_length_bytes"].contains($0.key) })?.key {
            return .string(name)
        }
        func object(_ name: String, _ config: [(String, JSON)]) -> JSON {
            .object(JSONObject([("name", .string(name)), ("configuration", .object(JSONObject(config)))]))
        }
        switch type {
        case .smallFloat(let f): return .string(f.name)
        case .complexOf(.smallFloat(let f)): return .string("complex_" + f.name)
        case .raw(let n): return .string("r\(n * 8)")
        case .fixedUnicode(let n): return object("fixed_length_utf32", [("length_bytes", .int(4 * n))])
        case .fixedBytes(let n): return object("null_terminated_bytes", [("length_bytes", .int(n))])
        case .datetime64(let u): return object("numpy.datetime64", [("unit", .string(u.unit)), ("scale_factor", .int(u.scale))])
        case .timedelta64(let u): return object("numpy.timedelta64", [("unit", .string(u.unit)), ("scale_factor", .int(u.scale))])
        case .structured(let fields):
            return object("struct", [("fields", .array(fields.map { .object(JSONObject([("name", .string($0.name)), ("data_type", json(for: $0.type))])) }))])
        default: return .string("unknown")
        }
    }
}
