/// What `info` reports beyond the metadata: storage figures from a listing (nothing decoded) and
/// a group's hierarchy as a tree.
extension NodeInfo {
    /// Stored chunks against the grid (missing ones counted), stored bytes and the compression
    /// ratio, from the store's listing and sizes; nil when the store cannot list.
    public static func storage(_ array: ZarrArray) throws -> JSON? {
        let base = (array.store as? ConsolidatedStore)?.base ?? array.store
        guard let listable = base as? any ListableStore else { return nil }
        let prefix = NodePath.prefix(array.path)
        let gridChunks = try Checked.product(array.gridShape, "chunk count")
        var stored = 0, bytes = 0, outside = 0, unreadable = 0
        var o = JSONObject()
        let keys: [String]
        do { keys = try listable.list(prefix: prefix) } catch let e as ZarrError {
            // info reports what it could not list instead of failing on it (validate says more).
            o["listing_error"] = .string(e.description)
            return .object(o)
        }
        for key in keys {
            guard let indices = array.parseChunkKey(String(key.dropFirst(prefix.count))) else { continue }
            if zip(indices, array.gridShape).contains(where: { $0 >= $1 }) { outside += 1; continue }
            stored += 1
            do { bytes = bytes.addingReportingOverflow(try base.size(key) ?? 0).partialValue } catch { unreadable += 1 }
        }
        o["grid_chunks"] = .int(gridChunks)
        o["stored_chunks"] = .int(stored)
        o["missing_chunks"] = .int(gridChunks - stored)
        if outside > 0 { o["chunks_outside_grid"] = .int(outside) }
        if unreadable > 0 { o["unreadable_chunks"] = .int(unreadable) }
        o["stored_bytes"] = .int(bytes)
        if let item = array.dataType.itemSize, stored > 0, bytes > 0, array.grid.isUniform {
            let decoded = Double(stored) * Double(array.chunkShape.reduce(1, *)) * Double(item)
            o["compression_ratio"] = .number(String(format: "%.3f", decoded / Double(bytes)))
        }
        return .object(o)
    }

    /// One line per node below `group`, as zarr's `tree()` draws it; at most `limit` lines.
    public static func tree(_ group: ZarrGroup, limit: Int = 10_000) throws -> [String] {
        var lines = [group.path.isEmpty ? "/" : group.path]
        func walk(_ g: ZarrGroup, _ indent: String, depth: Int) throws {
            let members = try g.members()
            for (i, member) in members.enumerated() {
                guard lines.count < limit else { return }
                let last = i == members.count - 1
                let path = g.path.isEmpty ? member.name : g.path + "/" + member.name
                let node = try? ZarrNode.open(store: g.store, path: path)
                switch node {
                case .array(let a):
                    let shape = a.shape.map(String.init).joined(separator: "×")
                    lines.append(indent + (last ? "└── " : "├── ") + "\(member.name) (\(shape) \(dataTypeJSON(a).stringValue ?? dataTypeJSON(a).serialized()))")
                case .group(let child):
                    lines.append(indent + (last ? "└── " : "├── ") + member.name)
                    if depth < 64 { try walk(child, indent + (last ? "    " : "│   "), depth: depth + 1) }
                case nil:
                    lines.append(indent + (last ? "└── " : "├── ") + "\(member.name) (unreadable)")
                }
            }
        }
        try walk(group, "", depth: 0)
        if lines.count >= limit { lines.append("… (stopped at \(limit) nodes)") }
        return lines
    }
}

extension ChunkGrid {
    /// Every chunk has the same shape (regular grids; N5 edge blocks are clipped).
    var isUniform: Bool { if case .regular = self { return true } else { return false } }
}
