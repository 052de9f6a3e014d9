/// Logical node paths (V2-04, V2-05): `\` becomes `/`, leading, trailing and repeated `/` go,
/// and `.` or `..` segments are refused.
public enum NodePath {
    public static func normalize(_ path: String) throws -> String {
        let segments = path.replacingOccurrences(of: "\\", with: "/").split(separator: "/").map(String.init)
        for s in segments where s == "." || s == ".." {
            throw ZarrError(.invalidArgument, "path '\(path)' has a '\(s)' segment (V2-05)")
        }
        return segments.joined(separator: "/")
    }

    /// The key prefix of a node: "" for the root, "a/b/" otherwise (V2-03).
    static func prefix(_ path: String) -> String { path.isEmpty ? "" : path + "/" }

    static func parent(_ path: String) -> String? {
        guard !path.isEmpty else { return nil }
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }
}
