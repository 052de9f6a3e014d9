/// A group (V2-60…V2-64, V3-30…V3-32).
public struct ZarrGroup: Sendable {
    public let store: any ReadableStore
    public let path: String
    public let format: ZarrFormat
    /// v3 only: the parsed `zarr.json`.
    public let metadataV3: GroupMetadataV3?

    /// Opens the group at `path` in whichever format describes it (see `NodeDocument.find`).
    public static func open(store: any ReadableStore, path: String = "", zarrFormat: ZarrFormat? = nil) throws -> ZarrGroup {
        let path = try NodePath.normalize(path)
        return try open(store: store, path: path, found: try NodeDocument.find(store: store, path: path, format: zarrFormat))
    }

    static func open(store: any ReadableStore, path: String, found: NodeDocument) throws -> ZarrGroup {
        guard found.kind == .group else { throw ZarrError(.notFound, "no group metadata (the node is an array)", key: found.key) }
        switch found.format {
        case .v3: return ZarrGroup(store: store, path: path, format: .v3, metadataV3: try withKey(found.key) { try GroupMetadataV3.parse(found.json ?? .null) })
        case .n5: return ZarrGroup(store: store, path: path, format: .n5, metadataV3: nil)
        case .v2:
            guard found.json?["zarr_format"]?.int64Value == 2 else { throw ZarrError(.invalidMetadata, "zarr_format must be 2", key: found.key, field: "zarr_format") }
            return ZarrGroup(store: store, path: path, format: .v2, metadataV3: nil)
        }
    }

    @discardableResult
    public static func create(store: any Store, path: String = "", attributes: JSONObject? = nil, format: ZarrFormat = .v2) throws -> ZarrGroup {
        let path = try NodePath.normalize(path)
        if format == .v3 { try NodePath.checkV3Names(path) }
        try ensureAncestors(store: store, of: path, format: format)
        if format == .v3 {
            let meta = GroupMetadataV3(attributes: attributes ?? JSONObject(), consolidated: nil)
            try store.set(NodePath.prefix(path) + MetadataKey.zarrJSON, meta.json.bytes(indent: 2, sortKeys: false))
            return ZarrGroup(store: store, path: path, format: format, metadataV3: meta)
        }
        try store.set(NodePath.prefix(path) + MetadataKey.zgroup, JSON.object(JSONObject([("zarr_format", 2)])).bytes())
        if let attributes { try store.set(NodePath.prefix(path) + MetadataKey.zattrs, JSON.object(attributes).bytes()) }
        return ZarrGroup(store: store, path: path, format: format, metadataV3: nil)
    }

    /// Writes group metadata for every missing ancestor of `path`, the root included (V2-61, V3-06).
    public static func ensureAncestors(store: any Store, of path: String, format: ZarrFormat = .v2) throws {
        if format == .n5 {
            // N5 groups are directories (N5-02); the root says which version it follows (N5-03).
            if try store.get(MetadataKey.n5Attributes) == nil { try store.set(MetadataKey.n5Attributes, JSON.object(JSONObject([("n5", "4.0.0")])).bytes()) }
            return
        }
        var ancestor = NodePath.parent(path)
        while let a = ancestor {
            let prefix = NodePath.prefix(a)
            if format == .v3 {
                if try store.get(prefix + MetadataKey.zarrJSON) == nil {
                    try store.set(prefix + MetadataKey.zarrJSON, GroupMetadataV3(attributes: JSONObject(), consolidated: nil).json.bytes(indent: 2, sortKeys: false))
                }
            } else if try store.get(prefix + MetadataKey.zgroup) == nil, try store.get(prefix + MetadataKey.zarray) == nil {
                try store.set(prefix + MetadataKey.zgroup, JSON.object(JSONObject([("zarr_format", 2)])).bytes())
            }
            ancestor = NodePath.parent(a)
        }
    }

    public var attributes: JSONObject {
        get throws {
            if let metadataV3 { return metadataV3.attributes }
            if format == .n5 { return try store.getJSON(NodePath.prefix(path) + MetadataKey.n5Attributes)?.objectValue ?? JSONObject() }
            return try store.getJSON(NodePath.prefix(path) + MetadataKey.zattrs)?.objectValue ?? JSONObject()
        }
    }

    /// Child nodes: (name, "array" | "group"), sorted by name (V2-63, V3-113).
    public func members() throws -> [(name: String, kind: String)] {
        if let listable = store as? any ListableStore {
            var out: [(String, String)] = []
            for child in try listable.listDir(NodePath.prefix(path)).prefixes where !child.hasPrefix("__") {
                let childPrefix = NodePath.prefix(path) + child + "/"
                if format == .v3 {
                    if let kind = try store.getJSON(childPrefix + MetadataKey.zarrJSON)?["node_type"]?.stringValue { out.append((child, kind)) }
                } else if format == .n5 {
                    // Every directory is a group unless its attributes describe a dataset (N5-01, N5-02).
                    let attributes = try store.getJSON(childPrefix + MetadataKey.n5Attributes)
                    if attributes.map(DatasetAttributesN5.isDataset) ?? false { out.append((child, "array")) }
                    else if try attributes != nil || !listable.listDir(childPrefix).prefixes.isEmpty { out.append((child, "group")) }
                } else if try store.get(childPrefix + MetadataKey.zarray) != nil { out.append((child, "array")) }
                else if try store.get(childPrefix + MetadataKey.zgroup) != nil { out.append((child, "group")) }
            }
            return out
        }
        if let consolidated = store as? ConsolidatedStore { return Self.members(of: path, in: consolidated) }
        throw ZarrError(.invalidArgument, "the store cannot list")
    }

    static func members(of path: String, in consolidated: ConsolidatedStore) -> [(name: String, kind: String)] {
        let prefix = NodePath.prefix(path)
        var out: [(String, String)] = []
        for (key, value) in consolidated.metadata.sorted(by: { $0.key < $1.key }) where key.hasPrefix(prefix) {
            let parts = key.dropFirst(prefix.count).split(separator: "/")
            guard parts.count == 2 else { continue }
            switch parts[1] {
            case MetadataKey.zarray: out.append((String(parts[0]), "array"))
            case MetadataKey.zgroup: out.append((String(parts[0]), "group"))
            case MetadataKey.zarrJSON: out.append((String(parts[0]), (try? JSON.parse(value))?["node_type"]?.stringValue ?? "?"))
            default: break
            }
        }
        return out
    }
}

/// A node of any kind.
public enum ZarrNode: Sendable {
    case array(ZarrArray)
    case group(ZarrGroup)

    /// Opens whatever node is at `path`; `consolidated` reads metadata from the root's
    /// consolidated metadata (`.zmetadata` in v2, inline in the root `zarr.json` in v3).
    /// Where both `zarr.json` and v2 metadata are present, `zarrFormat` chooses; nil reads
    /// `zarr.json` (as zarr-python 3 does) and says so through `warn`.
    public static func open(store: any ReadableStore, path: String = "", consolidated: Bool = false, n5Axes: N5Axes = .native,
                            zarrFormat: ZarrFormat? = nil, warn: (String) -> Void = { _ in }) throws -> ZarrNode {
        let path = try NodePath.normalize(path)
        let source: any ReadableStore = consolidated ? try ConsolidatedStore(base: store) : store
        let found = try NodeDocument.find(store: source, path: path, format: zarrFormat, warn: warn)
        switch found.kind {
        case .array: return .array(try ZarrArray.open(store: source, path: path, found: found, n5Axes: n5Axes))
        case .group: return .group(try ZarrGroup.open(store: source, path: path, found: found))
        }
    }
}
