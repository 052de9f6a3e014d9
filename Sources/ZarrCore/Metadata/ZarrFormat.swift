/// The three formats this reader knows. Where one directory holds both `zarr.json` and v2
/// metadata (as zarrs writes on purpose in some data), a format given to `open` chooses.
public enum ZarrFormat: String, Sendable, CaseIterable {
    case v2, v3, n5

    /// The document that describes an array in this format.
    public var arrayKey: String {
        switch self {
        case .v2: return MetadataKey.zarray
        case .v3: return MetadataKey.zarrJSON
        case .n5: return MetadataKey.n5Attributes
        }
    }

    /// The format readers take for a node whose directory holds the documents `present` says it
    /// holds: `zarr.json` first, as zarr-python 3 reads it, then v2, then N5 (`NodeDocument.find`
    /// applies the same order reading the store).
    public static func preferred(present: (String) -> Bool) -> ZarrFormat? {
        if present(MetadataKey.zarrJSON) { return .v3 }
        if present(MetadataKey.zarray) || present(MetadataKey.zgroup) { return .v2 }
        return present(MetadataKey.n5Attributes) ? .n5 : nil
    }

    /// The document that describes a group (N5 groups are directories and may have none).
    public var groupKey: String {
        switch self {
        case .v2: return MetadataKey.zgroup
        case .v3: return MetadataKey.zarrJSON
        case .n5: return MetadataKey.n5Attributes
        }
    }
}

/// The names of the metadata documents, each spelled once.
public enum MetadataKey {
    /// v2 array metadata (V2-10).
    public static let zarray = ".zarray"
    /// v2 group metadata (V2-60).
    public static let zgroup = ".zgroup"
    /// v2 attributes (V2-62).
    public static let zattrs = ".zattrs"
    /// v2 consolidated metadata (CM-01).
    public static let zmetadata = ".zmetadata"
    /// v3 array or group metadata (V3-05).
    public static let zarrJSON = "zarr.json"
    /// N5 attributes, dataset metadata included (N5-04).
    public static let n5Attributes = "attributes.json"
    /// The v2 documents of a node.
    public static let v2Documents = [zarray, zgroup, zattrs]
}
