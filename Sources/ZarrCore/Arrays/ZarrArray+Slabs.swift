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
        var k = 0
        while k < rows.count {
            // Rectilinear grids: a slab ends at the end of the chunk row that holds the row.
            let row = rows.start + k * rows.step, end = row + rowsOfChunk(at: row)
            let n = min((end - row - 1) / rows.step + 1, rows.count - k)
            try body(try read([Slice(row, row + (n - 1) * rows.step + 1, step: rows.step)] + slices.dropFirst()), n * rowElements)
            k += n
        }
    }

    private func rowsOfChunk(at row: Int) -> Int {
        let (_, local, extent) = grid.locator(axis: 0)(row)
        return max(extent - local, 1)
    }
}
