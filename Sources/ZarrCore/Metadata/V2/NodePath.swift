/// Logical node paths (V2-04, V2-05): `\` becomes `/`, leading, trailing and repeated `/` go,
/// and `.` or `..` segments are refused.
public enum NodePath {
    public static func normalize(_ path: String) throws -> String {
        let segments = path.replacingOccurrences(of: "\\", with: "/").split(separator: "/").map(String.init)
        for s in segments where s == "." || s == ".." {
            throw ZarrError(.invalidArgument, "path '\(path)' has a '\(s)' segment (V2-05)", problem: .invalidPath)
        }
        return segments.joined(separator: "/")
    }

    /// V3-110 / ST-04: every name on a v3 node's path is non-empty, not made only of periods,
    /// does not start with the reserved `__` and is not `zarr.json` (the last is new in 3.1).
    public static func checkV3Names(_ path: String) throws {
        for name in path.split(separator: "/", omittingEmptySubsequences: false) where !path.isEmpty {
            if let why = v3NameProblem(String(name)) {
                throw ZarrError(.invalidArgument, "node name '\(name)' in '\(path)' \(why): not a valid v3 node name (V3-110)", field: "node_name")
            }
        }
    }

    /// Why `name` cannot name a v3 node, or nil.
    public static func v3NameProblem(_ name: String) -> String? {
        name.isEmpty ? "is empty" : name.allSatisfy({ $0 == "." }) ? "is made only of periods"
            : name.hasPrefix("__") ? "starts with the reserved prefix \"__\"" : name == MetadataKey.zarrJSON ? "is zarr.json (Zarr 3.1)" : nil
    }

    /// The key prefix of a node: "" for the root, "a/b/" otherwise (V2-03).
    static func prefix(_ path: String) -> String { path.isEmpty ? "" : path + "/" }

    static func parent(_ path: String) -> String? {
        guard !path.isEmpty else { return nil }
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }
}
