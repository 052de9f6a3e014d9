/// The one place that decides which format describes the node at a path and finds its document.
///
/// Order: `zarr.json` (unless v2 or N5 is asked for), then `.zarray`/`.zgroup`, then N5's
/// `attributes.json`. Where `zarr.json` and v2 metadata are both present and no format is
/// given, `zarr.json` wins, as zarr-python 3 reads it, and `warn` says so.
struct NodeDocument {
    enum Kind { case array, group }
    var format: ZarrFormat
    var kind: Kind
    /// The metadata document's key and content (nil for an N5 group directory without one).
    var key: String
    var json: JSON?

    static func find(store: any ReadableStore, path: String, format wanted: ZarrFormat?, warn: (String) -> Void = { _ in }) throws -> NodeDocument {
        let prefix = NodePath.prefix(path)
        let v3Key = prefix + MetadataKey.zarrJSON, arrayKey = prefix + MetadataKey.zarray, groupKey = prefix + MetadataKey.zgroup
        let checkV2 = wanted == nil || wanted == .v2
        // From a store with latency the candidate documents are asked for at once, not in turn.
        if let prefetching = store as? any PrefetchingStore {
            let keys = (wanted == .v2 ? [] : [v3Key]) + (checkV2 ? [arrayKey, groupKey] : [])
            try prefetching.prepare(keys.map { StoreRequest($0, limit: StoreLimits.maxMetadataBytes) })
        }
        /// Whether a v2 document is there, and its bytes (nil when too large to read: parsing it
        /// then says so, should it be the one read).
        func probe(_ key: String) throws -> (present: Bool, bytes: [UInt8]?) {
            guard checkV2 else { return (false, nil) }
            do {
                let bytes = try store.get(key, range: .all, limit: StoreLimits.maxMetadataBytes)
                return (bytes != nil, bytes)
            } catch let e as ZarrError where e.problem == .valueTooLarge { return (true, nil) }
        }
        let (isArray, arrayBytes) = try probe(arrayKey), (isGroup, groupBytes) = try probe(groupKey)
        if wanted == nil || wanted == .v3, let json = try store.getJSON(v3Key) {
            if wanted == nil, isArray || isGroup {
                warn("\(prefix.isEmpty ? "the root" : "'\(path)'") has both zarr.json and \(isArray ? MetadataKey.zarray : MetadataKey.zgroup); "
                     + "reading zarr.json (Zarr v3), as zarr-python 3 does (--zarr-format 2 reads the v2 metadata)")
            }
            try withKey(v3Key) { try NodePath.checkV3Names(path) }
            switch json["node_type"]?.stringValue {
            case "array": return NodeDocument(format: .v3, kind: .array, key: v3Key, json: json)
            case "group": return NodeDocument(format: .v3, kind: .group, key: v3Key, json: json)
            default: throw ZarrError(.invalidMetadata, "node_type must be \"array\" or \"group\"", key: v3Key, field: "node_type")
            }
        }
        if wanted == .v3 { throw ZarrError(.notFound, "no zarr.json (Zarr v3 was asked for)", key: v3Key) }
        if isArray && isGroup { throw ZarrError(.invalidMetadata, "both .zarray and .zgroup are present", key: arrayKey) }
        func document(_ key: String, _ bytes: [UInt8]?) throws -> JSON? { try bytes.map { b in try withKey(key) { try JSON.parse(b) } } ?? store.getJSON(key) }
        if isArray { return NodeDocument(format: .v2, kind: .array, key: arrayKey, json: try document(arrayKey, arrayBytes)) }
        if isGroup { return NodeDocument(format: .v2, kind: .group, key: groupKey, json: try document(groupKey, groupBytes)) }
        if wanted == .v2 { throw ZarrError(.notFound, "no .zarray or .zgroup (Zarr v2 was asked for)", key: arrayKey) }
        let n5Key = prefix + MetadataKey.n5Attributes
        if let json = try store.getJSON(n5Key) {
            try DatasetAttributesN5.checkVersion(store: store)
            return NodeDocument(format: .n5, kind: DatasetAttributesN5.isDataset(json) ? .array : .group, key: n5Key, json: json)
        }
        throw ZarrError(.notFound, "no Zarr or N5 node (zarr.json, .zarray, .zgroup or attributes.json)", key: prefix.isEmpty ? "." : prefix)
    }
}
