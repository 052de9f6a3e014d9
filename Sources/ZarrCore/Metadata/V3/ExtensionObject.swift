/// An extension point value (V3-41…V3-43): a bare name (short-hand) or `{"name", "configuration",
/// "must_understand"}`. `must_understand` defaults to true.
public struct ExtensionObject: Equatable, Sendable {
    public var name: String
    public var configuration: JSONObject
    public var mustUnderstand: Bool
    public var json: JSON

    /// A name and configuration as a v3 extension object would write them.
    public init(name: String, configuration: JSONObject = JSONObject(), mustUnderstand: Bool = true) {
        self.name = name
        self.configuration = configuration
        self.mustUnderstand = mustUnderstand
        var o = JSONObject([("name", .string(name))])
        if !configuration.isEmpty { o["configuration"] = .object(configuration) }
        if !mustUnderstand { o["must_understand"] = false }
        json = .object(o)
    }

    public init(_ json: JSON, field: String) throws {
        self.json = json
        switch json {
        case .string(let s):
            name = s
            configuration = JSONObject()
            mustUnderstand = true
        case .object(let o):
            guard let n = o["name"]?.stringValue else { throw ZarrError.metadata("an extension object needs a string \"name\" (V3-41)", field: field) }
            name = n
            switch o["configuration"] {
            case nil, .null?: configuration = JSONObject()
            case .object(let c)?: configuration = c
            default: throw ZarrError.metadata("configuration of '\(n)' must be an object (V3-41)", field: field)
            }
            switch o["must_understand"] {
            case nil: mustUnderstand = true
            case .bool(let b)?: mustUnderstand = b
            default: throw ZarrError.metadata("must_understand of '\(n)' must be a boolean", field: field)
            }
            for key in o.keys where !["name", "configuration", "must_understand"].contains(key) {
                throw ZarrError.metadata("unknown member '\(key)' in extension object '\(n)'", field: field, problem: .unknownMember)
            }
        default:
            throw ZarrError.metadata("must be a name or an extension object (V3-42)", field: field)
        }
    }

    /// The form a Zarr 3.0 reader takes (V3-17): an object with `name` and, when given,
    /// `configuration`; no short-hand name and no `must_understand: true` (the default). Codec
    /// lists inside a configuration (sharding, n5_default, conditional) get the same form. A
    /// `must_understand: false` stays: dropping it would make the extension required.
    public static func compatible(_ json: JSON) -> JSON {
        switch json {
        case .string(let name): return .object(JSONObject([("name", .string(name))]))
        case .object(var o):
            if o["must_understand"] == .bool(true) { o["must_understand"] = nil }
            if case .object(var c)? = o["configuration"] {
                for key in ["codecs", "index_codecs"] { if let list = c[key]?.arrayValue { c[key] = .array(list.map(compatible)) } }
                o["configuration"] = .object(c)
            }
            return .object(o)
        default: return json
        }
    }

    /// A data type as writers emit it: a name alone is the short-hand string (core types must be
    /// strings, V3-12; zarr-python 3.1 reads no other form), an explicit `must_understand: true` goes.
    public static func compatibleDataType(_ json: JSON) -> JSON {
        guard case .object(var o) = json, let name = o["name"]?.stringValue else { return json }
        if o["must_understand"] == .bool(true) { o["must_understand"] = nil }
        if o.keys.allSatisfy({ $0 == "name" || $0 == "configuration" }), o["configuration"]?.objectValue?.isEmpty ?? true { return .string(name) }
        return .object(o)
    }

    func config(_ codec: String? = nil) -> CodecConfiguration { CodecConfiguration(codec: codec ?? name, object: configuration) }

    /// V3-45: data types, chunk grids and key encodings may not be optional.
    func requireUnderstood(_ field: String) throws {
        if !mustUnderstand { throw ZarrError.metadata("must_understand: false is not allowed for \(field) (V3-45)", field: field) }
    }
}
