extension ZarrArray {
    /// The key of this array's metadata document: what errors about the array as a whole name.
    public var metadataKey: String { NodePath.prefix(path) + metadata.metadataKeyName }

    /// Chunks a whole-array pass (digest, cat) may visit, stored or not: past this the pass is
    /// refused before any work, since tiny chunks on a huge shape would run for hours.
    public static let maxChunksPerPass = SelectionPlan.maxChunks

    /// Reads the array (or a selection of it) one slab of chunk rows along the first axis at a
    /// time, in C order, so memory stays at one slab; `body` gets each slab and its element
    /// count. Only the chunks the selection touches are read.
    public func forEachSlab(_ selection: [Slice]? = nil, _ body: (ChunkData, Int) throws -> Void) throws {
        let slices = try Selection.resolve(selection, shape: shape)
        // Chunks the pass may touch, at most: per axis, no more than the grid or the selection has.
        let touched = try Checked.product(zip(gridShape, slices).map { min($0, $1.count) }, "chunk count")
        guard touched <= Self.maxChunksPerPass else {
            throw ZarrError(.invalidArgument, "the pass touches up to \(touched) chunks, more than the \(Self.maxChunksPerPass) one pass may visit (the per-pass limit)", key: metadataKey)
        }
        guard let rows = slices.first, rows.count > 0, !slices.contains(where: { $0.count == 0 }) else {
            try body(try read(slices), slices.reduce(1) { $0 * $1.count })
            return
        }
        let rowElements = slices.dropFirst().reduce(1) { $0 * $1.count }
        // From a store with latency (one that prefetches), a slab spans enough chunk rows to keep
        // its requests in flight (`slabChunks` chunks), within `slabBytes`; else one chunk row.
        let rowChunks = max(1, zip(gridShape.dropFirst(), slices.dropFirst()).reduce(1) { $0 * min($1.0, $1.1.count) })
        let chunkRows = store is any PrefetchingStore
            ? max(1, min(Checked.ceilDiv(Self.slabChunks, rowChunks),
                         Self.slabBytes / max(1, (try? Checked.product([rowsOfChunk(at: rows.start), rowElements, dataType.itemSize ?? 16], "slab bytes")) ?? Int.max)))
            : 1
        var k = 0
        while k < rows.count {
            // Rectilinear grids: a slab ends at the end of a chunk row.
            let row = rows.start + k * rows.step
            var end = row
            for _ in 0..<chunkRows where end < shape[0] { end += rowsOfChunk(at: end) }
            let n = min((end - row - 1) / rows.step + 1, rows.count - k)
            try body(try read([Slice(row, row + (n - 1) * rows.step + 1, step: rows.step)] + slices.dropFirst()), n * rowElements)
            k += n
        }
    }

    /// Chunks a slab from a remote store should hold (the default request concurrency), and the
    /// most decoded bytes it may take.
    static let slabChunks = 32
    static let slabBytes = 256 << 20

    private func rowsOfChunk(at row: Int) -> Int {
        let (_, local, extent) = grid.locator(axis: 0)(row)
        return max(extent - local, 1)
    }
}
