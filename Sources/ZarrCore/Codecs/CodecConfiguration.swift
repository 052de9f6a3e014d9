/// Typed access to a codec's JSON configuration; every failure names the codec and the member.
public struct CodecConfiguration: Sendable {
    public let codec: String
    public let object: JSONObject

    public init(codec: String, object: JSONObject) {
        self.codec = codec
        self.object = object
    }

    func fail(_ field: String, _ why: String) -> ZarrError {
        ZarrError(.invalidMetadata, why, codec: codec, field: field)
    }

    /// The configuration as the extension object it came from (its codec named as written).
    var extensionObject: ExtensionObject { ExtensionObject(name: codec, configuration: object) }

    public func has(_ key: String) -> Bool { object[key].map { !$0.isNull } ?? false }

    public func int(_ key: String, default value: Int? = nil) throws -> Int {
        guard let json = object[key], !json.isNull else {
            if let value { return value }
            throw fail(key, "required member is missing").because(.missingMember)
        }
        guard let v = json.intValue ?? json.integralValue.flatMap({ Int(exactly: $0) }) else { throw fail(key, "must be an integer") }
        return v
    }

    public func optionalInt(_ key: String) throws -> Int? { has(key) ? try int(key) : nil }

    public func double(_ key: String, default value: Double? = nil) throws -> Double {
        guard let json = object[key], !json.isNull else {
            if let value { return value }
            throw fail(key, "required member is missing").because(.missingMember)
        }
        guard let v = json.doubleValue else { throw fail(key, "must be a number") }
        return v
    }

    public func string(_ key: String, default value: String? = nil) throws -> String {
        guard let json = object[key], !json.isNull else {
            if let value { return value }
            throw fail(key, "required member is missing").because(.missingMember)
        }
        guard let s = json.stringValue else { throw fail(key, "must be a string") }
        return s
    }

    public func bool(_ key: String, default value: Bool) throws -> Bool {
        guard let json = object[key], !json.isNull else { return value }
        guard let b = json.boolValue else { throw fail(key, "must be true or false") }
        return b
    }

    /// A dtype member (delta's `dtype`, astype's `encode_dtype`...) in any spelling numcodecs
    /// accepts: NumPy names (`int32`), typestrs with or without a byte order (`<i4`, `i4`, `=f8`),
    /// one-character codes, or a structured list. Kept as numcodecs writes it back (`dtype.str`).
    public func dtype(_ key: String) throws -> V2DataType {
        guard let json = object[key], !json.isNull else { throw fail(key, "required member is missing").because(.missingMember) }
        do { return try V2DataType.parseNumcodecs(json) } catch let e as ZarrError { throw fail(key, e.message) }
    }

    public func oneOf(_ key: String, _ allowed: [String], default value: String) throws -> String {
        let s = try string(key, default: value)
        guard allowed.contains(s) else { throw fail(key, "must be one of \(allowed.joined(separator: ", ")), not '\(s)'") }
        return s
    }
}

extension JSONObject {
    /// A v2 codec object: `{"id": id, ...members}` in the given order.
    static func v2(_ id: String, _ members: [(String, JSON)]) -> JSON {
        .object(JSONObject([("id", .string(id))] + members))
    }
}
