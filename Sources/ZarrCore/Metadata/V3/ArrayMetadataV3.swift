/// A v3 array's `zarr.json` (V3-10…V3-20).
public struct ArrayMetadataV3: Equatable, Sendable {
    public var shape: [Int]
    public var dataType: V3DataType
    public var chunkGrid: ChunkGrid
    public var chunkGridJSON: JSON
    public var chunkKeyEncoding: ChunkKeyEncoding
    public var chunkKeyEncodingJSON: JSON
    public var fillValue: FillValue
    /// The codec objects as written; the chain is built from them with the registry.
    public var codecs: [JSON]
    public var attributes: JSONObject
    public var dimensionNames: [String?]?

    static let members: Set<String> = ["zarr_format", "node_type", "shape", "data_type", "chunk_grid", "chunk_key_encoding",
                                       "fill_value", "codecs", "attributes", "storage_transformers", "dimension_names"]

    public init(shape: [Int], dataType: V3DataType, chunkGridJSON: JSON, chunkKeyEncodingJSON: JSON = ["name": "default"],
                fillValue: FillValue, codecs: [JSON], attributes: JSONObject = JSONObject(), dimensionNames: [String?]? = nil) throws {
        self.shape = shape
        self.dataType = dataType
        self.chunkGridJSON = chunkGridJSON
        chunkGrid = try ChunkGrid.parseV3(chunkGridJSON, shape: shape)
        self.chunkKeyEncodingJSON = chunkKeyEncodingJSON
        chunkKeyEncoding = try ChunkKeyEncoding.parseV3(chunkKeyEncodingJSON)
        self.fillValue = fillValue
        self.codecs = codecs
        self.attributes = attributes
        self.dimensionNames = dimensionNames
    }

    public static func parse(_ json: JSON) throws -> ArrayMetadataV3 {
        guard let o = json.objectValue else { throw ZarrError.metadata("zarr.json must be a JSON object") }
        try checkNode(o, nodeType: "array")
        for key in ["shape", "data_type", "chunk_grid", "chunk_key_encoding", "fill_value", "codecs"] where o[key] == nil {
            throw ZarrError.metadata("required member '\(key)' is missing (V3-10)", field: key, problem: .missingMember)
        }
        try checkUnknownMembers(o, known: members)
        guard let shapeItems = o["shape"]?.arrayValue else { throw ZarrError.metadata("shape must be a list (V3-11)", field: "shape") }
        let shape = try shapeItems.map { j -> Int in
            guard let v = j.intValue, v >= 0 else { throw ZarrError.metadata("shape must hold non-negative integers", field: "shape") }
            return v
        }
        _ = try Checked.product(shape, "array element count")
        let dataType = try V3DataType.parse(o["data_type"]!)  // presence checked above
        if let transformers = o["storage_transformers"], !transformers.isNull {
            guard let list = transformers.arrayValue else { throw ZarrError.metadata("storage_transformers must be a list (V3-19)", field: "storage_transformers") }
            if let first = list.first {
                let name = (try? ExtensionObject(first, field: "storage_transformers").name) ?? first.serialized()
                var e = RegisteredExtensions.unknown(name, .storageTransformer)
                e.message += "; none is registered, and an unknown one must not be ignored (V3-90)"
                throw e
            }
        }
        var dimensionNames: [String?]?
        if let names = o["dimension_names"], !names.isNull {
            guard let list = names.arrayValue, list.count == shape.count,
                  list.allSatisfy({ $0.isNull || $0.stringValue != nil })
            else { throw ZarrError.metadata("dimension_names must list a string or null per dimension (V3-20)", field: "dimension_names") }
            dimensionNames = list.map(\.stringValue)
        }
        guard let codecs = o["codecs"]?.arrayValue, !codecs.isEmpty else {
            throw ZarrError.metadata("codecs must be a non-empty list (V3-16)", field: "codecs")
        }
        var attributes = JSONObject()
        if let a = o["attributes"] {
            guard let obj = a.objectValue else { throw ZarrError.metadata("attributes must be an object (V3-18)", field: "attributes") }
            attributes = obj
        }
        let fill = try FillValue.parseV3(o["fill_value"]!, type: dataType)
        var meta = try ArrayMetadataV3(shape: shape, dataType: dataType, chunkGridJSON: o["chunk_grid"]!, chunkKeyEncodingJSON: o["chunk_key_encoding"]!,
                                       fillValue: fill, codecs: codecs, attributes: attributes, dimensionNames: dimensionNames)
        meta.codecs = codecs
        if codecs.contains(where: { (try? ExtensionObject($0, field: "codecs"))?.name == "n5_default" }), meta.chunkKeyEncoding != .v2(separator: "/") {
            throw ZarrError.metadata("an n5_default array reads N5 blocks under v2 chunk keys with separator \"/\" (EX-C21)", field: "chunk_key_encoding")
        }
        try ArrayMetadataV2.checkChunkSize(meta.chunkGrid.largestChunk, dataType.dataType)
        return meta
    }

    /// `zarr_format` 3 and the expected `node_type` (V3-10, V3-30).
    static func checkNode(_ o: JSONObject, nodeType: String) throws {
        guard o["zarr_format"]?.int64Value == 3 else { throw ZarrError.metadata("zarr_format must be 3", field: "zarr_format") }
        guard o["node_type"]?.stringValue == nodeType else {
            throw ZarrError.metadata("node_type must be \"\(nodeType)\" here, found \(o["node_type"]?.serialized() ?? "nothing") (E-74)", field: "node_type")
        }
    }

    /// V3-44 / E-70: an unknown member is refused unless it is an object with `must_understand: false`.
    static func checkUnknownMembers(_ o: JSONObject, known: Set<String>) throws {
        for key in o.keys where !known.contains(key) {
            if o[key]?["must_understand"] == .bool(false) { continue }
            throw ZarrError.metadata("unknown member '\(key)' without must_understand: false (V3-44)", field: key, problem: .unknownMember)
        }
    }

    public var json: JSON {
        var o = JSONObject()
        o["zarr_format"] = 3
        o["node_type"] = "array"
        o["shape"] = .array(shape.map { .int($0) })
        // EX-D15: the legacy `structured` is read, never written: it becomes `struct`, its Base64
        // fill an object of fields, and a `bytes` codec that relied on little-endian says so.
        let written = dataType.isLegacyStructured ? V3DataType(dataType: dataType.dataType, json: V3DataType.json(for: dataType.dataType)) : dataType
        o["data_type"] = ExtensionObject.compatibleDataType(written.json)
        o["chunk_grid"] = ExtensionObject.compatible(chunkGridJSON)
        o["chunk_key_encoding"] = ExtensionObject.compatible(chunkKeyEncodingJSON)
        o["fill_value"] = fillValue.v3JSON(type: written)
        o["codecs"] = .array(codecs.map { dataType.isLegacyStructured ? Self.explicitEndian($0) : $0 }.map(ExtensionObject.compatible))
        o["attributes"] = .object(attributes)
        if let dimensionNames { o["dimension_names"] = .array(dimensionNames.map { $0.map { .string($0) } ?? .null }) }
        o["storage_transformers"] = []
        return .object(o)
    }

    /// A `bytes` codec without `endian` (legacy structured arrays read it as little-endian) with
    /// `"endian": "little"`, inside sharding too.
    static func explicitEndian(_ codec: JSON) -> JSON {
        guard case .object(var o) = codec else {
            return codec == "bytes" ? ["name": "bytes", "configuration": ["endian": "little"]] : codec
        }
        var c = o["configuration"]?.objectValue ?? JSONObject()
        if o["name"] == "bytes", c["endian"] == nil { c["endian"] = "little" }
        if o["name"] == "sharding_indexed", let inner = c["codecs"]?.arrayValue { c["codecs"] = .array(inner.map(explicitEndian)) }
        if o["name"] == "bytes" || o["name"] == "sharding_indexed" { o["configuration"] = .object(c) }
        return .object(o)
    }

    /// The codec chain, built for the array's data type (V3-82, V3-83).
    public func codecChain(registry: CodecRegistry = .standard) throws -> CodecChain {
        let rep = ChunkRepresentation(shape: chunkGrid.chunkShape([Int](repeating: 0, count: shape.count)), dataType: dataType.dataType, fillValue: fillValue)
        return try registry.makeChain(codecs, decoded: rep, legacyStructured: dataType.isLegacyStructured)
    }
}

/// A v3 group's `zarr.json` (V3-30…V3-32, CM-04…CM-09).
public struct GroupMetadataV3: Equatable, Sendable {
    public var attributes: JSONObject
    /// The flat consolidated map (path → document), when present and inline.
    public var consolidated: [String: JSON]?

    public static func parse(_ json: JSON) throws -> GroupMetadataV3 {
        guard let o = json.objectValue else { throw ZarrError.metadata("zarr.json must be a JSON object") }
        try ArrayMetadataV3.checkNode(o, nodeType: "group")
        try ArrayMetadataV3.checkUnknownMembers(o, known: ["zarr_format", "node_type", "attributes", "consolidated_metadata"])
        var attributes = JSONObject()
        if let a = o["attributes"] {
            guard let obj = a.objectValue else { throw ZarrError.metadata("attributes must be an object (V3-31)", field: "attributes") }
            attributes = obj
        }
        var consolidated: [String: JSON]?
        switch o["consolidated_metadata"] {
        case nil, .null?: break  // CM-09: zarr-python 3.0 wrote null
        case .object(let cm)?:
            guard cm["kind"]?.stringValue == "inline" else {
                throw ZarrError(.unsupported, "consolidated_metadata kind \(cm["kind"]?.serialized() ?? "missing") is not \"inline\" (CM-08)", field: "consolidated_metadata")
            }
            guard let metadata = cm["metadata"]?.objectValue else { throw ZarrError.metadata("consolidated metadata must be an object (CM-08)", field: "consolidated_metadata") }
            var map: [String: JSON] = [:]
            for (k, v) in metadata {
                let normalized = try NodePath.normalize(k)
                guard !normalized.isEmpty, normalized == k else { throw ZarrError.metadata("consolidated key '\(k)' is not a relative path (CM-05)", field: "consolidated_metadata") }
                map[k] = v
            }
            consolidated = map
        default: throw ZarrError.metadata("consolidated_metadata must be an object or null", field: "consolidated_metadata")
        }
        return GroupMetadataV3(attributes: attributes, consolidated: consolidated)
    }

    public var json: JSON {
        var o = JSONObject([("zarr_format", 3), ("node_type", "group"), ("attributes", .object(attributes))])
        if let consolidated {
            // CM-07: sorted by depth, then by name.
            let keys = consolidated.keys.sorted { ($0.filter { $0 == "/" }.count, $0) < ($1.filter { $0 == "/" }.count, $1) }
            o["consolidated_metadata"] = .object(JSONObject([("kind", "inline"), ("must_understand", false),
                                                             ("metadata", .object(JSONObject(keys.map { ($0, consolidated[$0]!) })))]))  // key from keys
        }
        return .object(o)
    }
}
