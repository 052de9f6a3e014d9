/// v3 inline consolidated metadata (CM-04…CM-09): a flat map in the root group's `zarr.json`.
public enum ConsolidatedV3 {
    /// Gathers every `zarr.json` below `path` into that group's `consolidated_metadata`.
    public static func write(store: any Store, path: String = "") throws {
        let prefix = NodePath.prefix(path)
        let rootKey = prefix + MetadataKey.zarrJSON
        guard let rootJSON = try store.getJSON(rootKey) else { throw ZarrError(.notFound, "no group to consolidate", key: rootKey) }
        var root = try withKey(rootKey) { try GroupMetadataV3.parse(rootJSON) }
        var map: [String: JSON] = [:]
        for key in try store.list(prefix: prefix) where key.hasSuffix("/" + MetadataKey.zarrJSON) {
            let relative = String(key.dropFirst(prefix.count).dropLast(("/" + MetadataKey.zarrJSON).count))
            guard var doc = try store.getJSON(key)?.objectValue else { continue }
            doc["consolidated_metadata"] = nil  // CM-06: child groups leave out their own
            map[relative] = .object(doc)
        }
        root.consolidated = map
        try store.set(rootKey, root.json.bytes(indent: 2, sortKeys: false))
    }
}

extension ConsolidatedStore {
    /// The metadata keys of a store's root consolidated metadata, v2 or v3.
    static func documents(base: any ReadableStore) throws -> [String: [UInt8]]? {
        if let rootJSON = try base.getJSON(MetadataKey.zarrJSON) {
            let root = try withKey(MetadataKey.zarrJSON) { try GroupMetadataV3.parse(rootJSON) }
            guard let map = root.consolidated else { return nil }
            var out = [MetadataKey.zarrJSON: rootJSON.bytes()]
            for (path, doc) in map { out[path + "/" + MetadataKey.zarrJSON] = doc.bytes() }
            return out
        }
        guard let documents = try ConsolidatedV2.read(store: base) else { return nil }
        return Dictionary(uniqueKeysWithValues: documents.map { ($0.key, $0.value.bytes()) })
    }
}
