/// A group (V2-60…V2-64, V3-30…V3-32).
public struct ZarrGroup: Sendable {
    public let store: any ReadableStore
    public let path: String
    public let format: String
    /// v3 only: the parsed `zarr.json`.
    public let metadataV3: GroupMetadataV3?

    /// `zarrFormat` chooses the metadata where a directory holds both `zarr.json` and `.zgroup`
    /// (nil: `zarr.json`, as zarr-python 3 reads it).
    public static func open(store: any ReadableStore, path: String = "", zarrFormat: ZarrFormat? = nil) throws -> ZarrGroup {
        let path = try NodePath.normalize(path)
        let v3Key = NodePath.prefix(path) + "zarr.json"
        if zarrFormat != .v2, let json = try store.getJSON(v3Key) {
            try withKey(v3Key) { try NodePath.checkV3Names(path) }
            return ZarrGroup(store: store, path: path, format: "v3", metadataV3: try withKey(v3Key) { try GroupMetadataV3.parse(json) })
        }
        if zarrFormat == .v3 { throw ZarrError(.notFound, "no zarr.json (Zarr v3 was asked for)", key: v3Key) }
        let key = NodePath.prefix(path) + ".zgroup"
        if zarrFormat == nil, try store.get(key) == nil, let n5 = try store.getJSON(NodePath.prefix(path) + "attributes.json"), !DatasetAttributesN5.isDataset(n5) {
            try DatasetAttributesN5.checkVersion(store: store)
            return ZarrGroup(store: store, path: path, format: "n5", metadataV3: nil)
        }
        guard let json = try store.getJSON(key) else { throw ZarrError(.notFound, "no group metadata", key: key) }
        guard json["zarr_format"]?.int64Value == 2 else { throw ZarrError(.invalidMetadata, "zarr_format must be 2", key: key, field: "zarr_format") }
        return ZarrGroup(store: store, path: path, format: "v2", metadataV3: nil)
    }

    @discardableResult
    public static func create(store: any Store, path: String = "", attributes: JSONObject? = nil, format: String = "v2") throws -> ZarrGroup {
        let path = try NodePath.normalize(path)
        if format == "v3" { try NodePath.checkV3Names(path) }
        try ensureAncestors(store: store, of: path, format: format)
        if format == "v3" {
            let meta = GroupMetadataV3(attributes: attributes ?? JSONObject(), consolidated: nil)
            try store.set(NodePath.prefix(path) + "zarr.json", meta.json.bytes(indent: 2, sortKeys: false))
            return ZarrGroup(store: store, path: path, format: format, metadataV3: meta)
        }
        try store.set(NodePath.prefix(path) + ".zgroup", JSON.object(JSONObject([("zarr_format", 2)])).bytes())
        if let attributes { try store.set(NodePath.prefix(path) + ".zattrs", JSON.object(attributes).bytes()) }
        return ZarrGroup(store: store, path: path, format: format, metadataV3: nil)
    }

    /// Writes group metadata for every missing ancestor of `path`, the root included (V2-61, V3-06).
    public static func ensureAncestors(store: any Store, of path: String, format: String = "v2") throws {
        if format == "n5" {
            // N5 groups are directories (N5-02); the root says which version it follows (N5-03).
            if try store.get("attributes.json") == nil { try store.set("attributes.json", JSON.object(JSONObject([("n5", "4.0.0")])).bytes()) }
            return
        }
        var ancestor = NodePath.parent(path)
        while let a = ancestor {
            let prefix = NodePath.prefix(a)
            if format == "v3" {
                if try store.get(prefix + "zarr.json") == nil {
                    try store.set(prefix + "zarr.json", GroupMetadataV3(attributes: JSONObject(), consolidated: nil).json.bytes(indent: 2, sortKeys: false))
                }
            } else if try store.get(prefix + ".zgroup") == nil, try store.get(prefix + ".zarray") == nil {
                try store.set(prefix + ".zgroup", JSON.object(JSONObject([("zarr_format", 2)])).bytes())
            }
            ancestor = NodePath.parent(a)
        }
    }

    public var attributes: JSONObject {
        get throws {
            if let metadataV3 { return metadataV3.attributes }
            if format == "n5" { return try store.getJSON(NodePath.prefix(path) + "attributes.json")?.objectValue ?? JSONObject() }
            return try store.getJSON(NodePath.prefix(path) + ".zattrs")?.objectValue ?? JSONObject()
        }
    }

    /// Child nodes: (name, "array" | "group"), sorted by name (V2-63, V3-113).
    public func members() throws -> [(name: String, kind: String)] {
        if let listable = store as? any ListableStore {
            var out: [(String, String)] = []
            for child in try listable.listDir(NodePath.prefix(path)).prefixes where !child.hasPrefix("__") {
                let childPrefix = NodePath.prefix(path) + child + "/"
                if format == "v3" {
                    if let kind = try store.getJSON(childPrefix + "zarr.json")?["node_type"]?.stringValue { out.append((child, kind)) }
                } else if format == "n5" {
                    // Every directory is a group unless its attributes describe a dataset (N5-01, N5-02).
                    let attributes = try store.getJSON(childPrefix + "attributes.json")
                    if attributes.map(DatasetAttributesN5.isDataset) ?? false { out.append((child, "array")) }
                    else if try attributes != nil || !listable.listDir(childPrefix).prefixes.isEmpty { out.append((child, "group")) }
                } else if try store.get(childPrefix + ".zarray") != nil { out.append((child, "array")) }
                else if try store.get(childPrefix + ".zgroup") != nil { out.append((child, "group")) }
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
            case ".zarray": out.append((String(parts[0]), "array"))
            case ".zgroup": out.append((String(parts[0]), "group"))
            case "zarr.json": out.append((String(parts[0]), (try? JSON.parse(value))?["node_type"]?.stringValue ?? "?"))
            default: break
            }
        }
        return out
    }
}

/// The Zarr format to read where one directory holds both `zarr.json` and v2 metadata
/// (`.zarray` or `.zgroup`), as zarrs writes on purpose in some data.
public enum ZarrFormat: Int, Sendable, CaseIterable {
    case v2 = 2, v3 = 3
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
        let prefix = NodePath.prefix(path)
        let v3Key = prefix + "zarr.json"
        let isArray = try source.get(prefix + ".zarray") != nil
        let isGroup = try source.get(prefix + ".zgroup") != nil
        let v3 = zarrFormat == .v2 ? nil : try source.getJSON(v3Key)
        if let json = v3 {
            if zarrFormat == nil, isArray || isGroup {
                warn("\(prefix.isEmpty ? "the root" : "'\(path)'") has both zarr.json and \(isArray ? ".zarray" : ".zgroup"); "
                     + "reading zarr.json (Zarr v3), as zarr-python 3 does (--zarr-format 2 reads the v2 metadata)")
            }
            switch json["node_type"]?.stringValue {
            case "array": return .array(try ZarrArray.open(store: source, path: path, zarrFormat: .v3))
            case "group": return .group(try ZarrGroup.open(store: source, path: path, zarrFormat: .v3))
            default: throw ZarrError(.invalidMetadata, "node_type must be \"array\" or \"group\"", key: v3Key, field: "node_type")
            }
        }
        if zarrFormat == .v3 { throw ZarrError(.notFound, "no zarr.json (Zarr v3 was asked for)", key: v3Key) }
        if isArray && isGroup { throw ZarrError(.invalidMetadata, "both .zarray and .zgroup are present", key: prefix + ".zarray") }
        if isArray { return .array(try ZarrArray.open(store: source, path: path, zarrFormat: .v2)) }
        if isGroup { return .group(try ZarrGroup.open(store: source, path: path, zarrFormat: .v2)) }
        if zarrFormat == .v2 { throw ZarrError(.notFound, "no .zarray or .zgroup (Zarr v2 was asked for)", key: prefix + ".zarray") }
        if let n5 = try source.getJSON(prefix + "attributes.json") {
            if DatasetAttributesN5.isDataset(n5) { return .array(try ZarrArray.open(store: source, path: path, n5Axes: n5Axes)) }
            return .group(try ZarrGroup.open(store: source, path: path))
        }
        throw ZarrError(.notFound, "no Zarr or N5 node (zarr.json, .zarray, .zgroup or attributes.json)", key: prefix.isEmpty ? "." : prefix)
    }
}
