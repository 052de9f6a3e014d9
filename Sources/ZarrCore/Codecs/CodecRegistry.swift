/// Where a codec sits in a chain, for factories that need it (blosc's typesize, V2-58).
public struct CodecContext: Sendable {
    /// The decoded representation's type at this position (array→array and array→bytes codecs).
    public var dataType: DataType
    /// The item size of the array reaching a bytes→bytes codec; 1 once the data is bytes.
    public var itemSize: Int
    /// The full decoded representation at this position (v3: shape for sharding, fill for casts).
    public var representation: ChunkRepresentation?
    /// The array's type is the legacy v3 `structured` (its `bytes` codec may omit `endian`).
    public var legacyStructured = false

    public init(dataType: DataType, itemSize: Int, representation: ChunkRepresentation? = nil, legacyStructured: Bool = false) {
        self.dataType = dataType
        self.itemSize = itemSize
        self.representation = representation
        self.legacyStructured = legacyStructured
    }
}

/// One codec, defined once for every format: its v3 name (`numcodecs.<id>` where v3 has none),
/// the v2 (numcodecs) ids it also answers to with how their configuration reads in its terms,
/// and how it is built from a configuration. v2 filters and compressors, N5 compressions and v3
/// codecs are all translated to a name and configuration (an `ExtensionObject`) and built here.
public struct CodecDefinition: Sendable {
    public typealias Make = @Sendable (CodecConfiguration, CodecContext, CodecRegistry) throws -> AnyCodec
    /// A v2 configuration (without `id`) rewritten as this codec's configuration.
    public typealias FromV2 = @Sendable (CodecConfiguration, CodecContext) throws -> JSONObject

    public var name: String
    public var v2IDs: [String]
    public var fromV2: FromV2?
    /// Whether v3 metadata may name it (false for a format's internal codecs, such as N5's lz4).
    public var inV3: Bool
    public var make: Make

    public init(_ name: String, v2 ids: [String] = [], fromV2: FromV2? = nil, inV3: Bool = true, make: @escaping Make) {
        self.name = name
        v2IDs = ids
        self.fromV2 = fromV2
        self.inV3 = inV3
        self.make = make
    }
}

/// The codecs this reader builds, by name and by v2 id. A value, not global state: callers may
/// extend a copy with `adding(_:)`.
public struct CodecRegistry: Sendable {
    public private(set) var definitions: [String: CodecDefinition] = [:]
    private var nameOfV2ID: [String: String] = [:]

    public init(_ definitions: [CodecDefinition]) {
        for d in definitions { add(d) }
    }

    public func adding(_ definition: CodecDefinition) -> CodecRegistry {
        var copy = self
        copy.add(definition)
        return copy
    }

    private mutating func add(_ d: CodecDefinition) {
        definitions[d.name] = d
        for id in d.v2IDs { nameOfV2ID[id] = d.name }
    }

    /// Ids that are known and deliberately not decoded.
    public static let refused: [String: String] = [
        "pickle": "pickle can execute arbitrary code and is never decoded (NC-25)",
    ]

    // MARK: Translation

    /// A v2 codec object (`{"id": …, members…}`) as the codec it is: its name and configuration.
    public func translate(v2 json: JSON, context: CodecContext) throws -> ExtensionObject {
        guard let object = json.objectValue, let id = object["id"]?.stringValue else {
            throw ZarrError(.invalidMetadata, "a codec must be an object with a string \"id\" (V2-15)")
        }
        var members = object
        members["id"] = nil
        return try translate(v2: id, members, context: context)
    }

    func translate(v2 id: String, _ members: JSONObject, context: CodecContext) throws -> ExtensionObject {
        if let why = Self.refused[id] { throw ZarrError(.unsupported, why, codec: id, problem: .refusedCodec) }
        guard let name = nameOfV2ID[id], let definition = definitions[name] else {
            throw ZarrError(.unsupported, "unknown codec id '\(id)' (NC-26)", codec: id, problem: .unknownCodec)
        }
        let configuration = try definition.fromV2.map { rewrite in
            do { return try rewrite(CodecConfiguration(codec: id, object: members), context) } catch let e as ZarrError { throw e.inCodec(id) }
        } ?? members
        return ExtensionObject(name: name, configuration: configuration)
    }

    // MARK: Building

    /// Builds one codec; nil for an unknown one marked `must_understand: false` (V3-43, E-69).
    /// `label` names it in errors (what the metadata wrote: a v2 id or a v3 name).
    /// `v3`: the name comes from v3 metadata, where a format's internal codecs cannot be named.
    public func make(_ codec: ExtensionObject, context: CodecContext, label: String? = nil, v3: Bool = false) throws -> AnyCodec? {
        let label = label ?? codec.name
        do {
            if let definition = definitions[codec.name], definition.inV3 || !v3 {
                return try definition.make(CodecConfiguration(codec: label, object: codec.configuration), context, self)
            }
            // zarr-python writes numcodecs codecs into v3 metadata as `numcodecs.<id>` with the
            // v2 members (EX-U01): read as that v2 codec.
            if codec.name.hasPrefix("numcodecs.") {
                let id = String(codec.name.dropFirst("numcodecs.".count))
                if Self.refused[id] != nil || nameOfV2ID[id] != nil {
                    let translated = try translate(v2: id, codec.configuration, context: context)
                    if translated.name != codec.name { return try make(translated, context: context, label: label) }
                }
                guard codec.mustUnderstand else { return nil }
                throw ZarrError(.unsupported, "unknown codec '\(codec.name)': numcodecs has no codec id '\(id)' (EX-U01)",
                                codec: codec.name, field: "codecs", problem: .unknownCodec)
            }
            guard codec.mustUnderstand else { return nil }
            throw RegisteredExtensions.unknown(codec.name, .codec, codec: codec.name)
        } catch let e as ZarrError { throw e.inCodec(label) }
    }

    /// Builds a codec that must exist (inside a format's own framing, or a v2 chain).
    func require(_ codec: ExtensionObject, context: CodecContext, label: String? = nil) throws -> AnyCodec {
        guard let built = try make(codec, context: context, label: label) else {
            throw ZarrError(.unsupported, "unknown codec '\(codec.name)'", codec: label ?? codec.name, problem: .unknownCodec)
        }
        return built
    }

    /// Builds the chain of a v3 `codecs` list, tracking the representation through it so each
    /// codec is checked against the type it will see (V3-82, V3-83).
    public func makeChain(_ codecs: [JSON], decoded: ChunkRepresentation, legacyStructured: Bool = false) throws -> CodecChain {
        var rep = decoded
        var out: [AnyCodec] = []
        var haveArrayToBytes = false
        var bytesItemSize = 1
        for json in codecs {
            let ext = try ExtensionObject(json, field: "codecs")
            let context = CodecContext(dataType: rep.dataType, itemSize: haveArrayToBytes ? bytesItemSize : (rep.dataType.itemSize ?? 1),
                                       representation: rep, legacyStructured: legacyStructured)
            guard let codec = try make(ext, context: context, v3: true) else { continue }
            switch codec {
            case .arrayToArray(let c): rep = try c.encodedRepresentation(of: rep)
            case .arrayToBytes(let c):
                haveArrayToBytes = true
                bytesItemSize = c is BytesCodec ? (rep.dataType.itemSize ?? 1) : 1
            case .bytesToBytes(let c): if !(c is ShuffleCodec) { bytesItemSize = 1 }
            }
            out.append(codec)
        }
        return try CodecChain(out)
    }
}
