/// A v2 group (V2-60…V2-64).
public struct ZarrGroup: Sendable {
    public let store: any ReadableStore
    public let path: String

    public static func open(store: any ReadableStore, path: String = "") throws -> ZarrGroup {
        let path = try NodePath.normalize(path)
        let key = NodePath.prefix(path) + ".zgroup"
        guard let json = try store.getJSON(key) else { throw ZarrError(.notFound, "no group metadata", key: key) }
        guard json["zarr_format"]?.int64Value == 2 else { throw ZarrError(.invalidMetadata, "zarr_format must be 2", key: key, field: "zarr_format") }
        return ZarrGroup(store: store, path: path)
    }

    @discardableResult
    public static func create(store: any Store, path: String = "", attributes: JSONObject? = nil) throws -> ZarrGroup {
        let path = try NodePath.normalize(path)
        try ensureAncestors(store: store, of: path)
        try store.set(NodePath.prefix(path) + ".zgroup", JSON.object(JSONObject([("zarr_format", 2)])).bytes())
        if let attributes { try store.set(NodePath.prefix(path) + ".zattrs", JSON.object(attributes).bytes()) }
        return ZarrGroup(store: store, path: path)
    }

    /// Writes `.zgroup` for every missing ancestor of `path`, the root included (V2-61).
    static func ensureAncestors(store: any Store, of path: String) throws {
        var ancestor = NodePath.parent(path)
        while let a = ancestor {
            let key = NodePath.prefix(a) + ".zgroup"
            if try store.get(key) == nil, try store.get(NodePath.prefix(a) + ".zarray") == nil {
                try store.set(key, JSON.object(JSONObject([("zarr_format", 2)])).bytes())
            }
            ancestor = NodePath.parent(a)
        }
    }

    public var attributes: JSONObject {
        get throws { try store.getJSON(NodePath.prefix(path) + ".zattrs")?.objectValue ?? JSONObject() }
    }

    /// Child nodes: (name, "array" | "group"), sorted by name (V2-63).
    public func members() throws -> [(name: String, kind: String)] {
        guard let listable = store as? any ListableStore else {
            if let consolidated = store as? ConsolidatedStore { return Self.members(of: path, in: Array(consolidated.metadata.keys)) }
            throw ZarrError(.invalidArgument, "the store cannot list")
        }
        var out: [(String, String)] = []
        for child in try listable.listDir(NodePath.prefix(path)).prefixes {
            let childPrefix = NodePath.prefix(path) + child + "/"
            if try store.get(childPrefix + ".zarray") != nil { out.append((child, "array")) }
            else if try store.get(childPrefix + ".zgroup") != nil { out.append((child, "group")) }
        }
        return out
    }

    static func members(of path: String, in keys: [String]) -> [(name: String, kind: String)] {
        let prefix = NodePath.prefix(path)
        var out: [(String, String)] = []
        for key in keys.sorted() where key.hasPrefix(prefix) {
            let parts = key.dropFirst(prefix.count).split(separator: "/")
            guard parts.count == 2 else { continue }
            if parts[1] == ".zarray" { out.append((String(parts[0]), "array")) }
            if parts[1] == ".zgroup" { out.append((String(parts[0]), "group")) }
        }
        return out
    }
}

/// A node of any kind.
public enum ZarrNode: Sendable {
    case array(ZarrArray)
    case group(ZarrGroup)

    /// Opens whatever node is at `path`; `consolidated` reads metadata from `.zmetadata` at the root.
    public static func open(store: any ReadableStore, path: String = "", consolidated: Bool = false) throws -> ZarrNode {
        let path = try NodePath.normalize(path)
        let source: any ReadableStore = consolidated ? try ConsolidatedStore(base: store) : store
        let prefix = NodePath.prefix(path)
        let isArray = try source.get(prefix + ".zarray") != nil
        let isGroup = try source.get(prefix + ".zgroup") != nil
        if isArray && isGroup { throw ZarrError(.invalidMetadata, "both .zarray and .zgroup are present", key: prefix + ".zarray") }
        if isArray { return .array(try ZarrArray.open(store: source, path: path)) }
        if isGroup { return .group(try ZarrGroup.open(store: source, path: path)) }
        throw ZarrError(.notFound, "no Zarr node (.zarray or .zgroup)", key: prefix.isEmpty ? "." : prefix)
    }
}
