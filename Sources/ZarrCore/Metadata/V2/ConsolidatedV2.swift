/// v2 consolidated metadata, `.zmetadata` (CM-01…CM-03).
public enum ConsolidatedV2 {
    public static let key = MetadataKey.zmetadata

    /// Gathers every `.zgroup`, `.zarray` and `.zattrs` below `path` into `path/.zmetadata`.
    public static func write(store: any Store, path: String = "") throws {
        let prefix = NodePath.prefix(path)
        var metadata = JSONObject()
        for key in try store.list(prefix: prefix) {
            let name = key.split(separator: "/").last.map(String.init) ?? key
            guard [MetadataKey.zgroup, MetadataKey.zarray, MetadataKey.zattrs].contains(name) else { continue }
            if let json = try store.getJSON(key) { metadata[String(key.dropFirst(prefix.count))] = json }
        }
        let document: JSON = .object(JSONObject([("metadata", .object(metadata.sortedByKey())), ("zarr_consolidated_format", 1)]))
        try store.set(prefix + key, document.bytes())
    }

    /// The metadata documents listed in `path/.zmetadata`, keyed relative to `path`.
    public static func read(store: any ReadableStore, path: String = "") throws -> [String: JSON]? {
        let key = NodePath.prefix(path) + Self.key
        guard let json = try store.getJSON(key) else { return nil }
        guard json["zarr_consolidated_format"]?.int64Value == 1, let metadata = json["metadata"]?.objectValue else {
            throw ZarrError(.invalidMetadata, "not consolidated format 1 with a metadata object (CM-01)", key: key)
        }
        var out: [String: JSON] = [:]
        for (k, v) in metadata {
            let name = k.split(separator: "/").last.map(String.init) ?? k
            guard [MetadataKey.zgroup, MetadataKey.zarray, MetadataKey.zattrs].contains(name) else {
                throw ZarrError(.invalidMetadata, "entry '\(k)' is not a .zgroup, .zarray or .zattrs (CM-03)", key: key, problem: .invalidPath)
            }
            _ = try NodePath.normalize(k)
            out[k] = v
        }
        return out
    }
}

/// A read view of a store whose metadata keys come from consolidated metadata, as
/// zarr-python's `open_consolidated` does; chunk keys go to the store beneath.
public struct ConsolidatedStore: ReadableStore {
    public let base: any ReadableStore
    public let metadata: [String: [UInt8]]

    /// Reads the root's consolidated metadata (v2 `.zmetadata` or v3 inline).
    public init(base: any ReadableStore) throws {
        guard let documents = try ConsolidatedStore.documents(base: base) else {
            throw ZarrError(.notFound, "no consolidated metadata", key: ConsolidatedV2.key + " or zarr.json")
        }
        self.base = base
        metadata = documents
    }

    public func get(_ key: String, range: ByteRange) throws -> [UInt8]? {
        let name = key.split(separator: "/").last.map(String.init) ?? key
        if [MetadataKey.zgroup, MetadataKey.zarray, MetadataKey.zattrs, MetadataKey.zarrJSON].contains(name) {
            guard let value = metadata[key] else { return nil }
            return Array(value[try range.resolve(count: value.count, key: key)])
        }
        return try base.get(key, range: range)
    }

    public func get(_ key: String, range: ByteRange, limit: Int) throws -> [UInt8]? {
        if metadata[key] != nil { return try get(key, range: range) }
        return try base.get(key, range: range, limit: limit)
    }

    public func size(_ key: String) throws -> Int? {
        if let value = metadata[key] { return value.count }
        return try base.size(key)
    }
}
