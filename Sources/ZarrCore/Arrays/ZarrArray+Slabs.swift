extension ZarrArray {
    /// The key of this array's metadata document: what errors about the array as a whole name.
    public var metadataKey: String { NodePath.prefix(path) + metadata.metadataKeyName }

    /// Chunks a whole-array pass (digest, cat) may visit, stored or not: past this the pass is
    /// refused before any work, since tiny chunks on a huge shape would run for hours.
    public static let maxChunksPerPass = SelectionPlan.maxChunks

    /// Reads the whole array one slab of chunk rows (along the first axis) at a time, in C
    /// order, so memory stays at one slab; `body` gets each slab and its element count.
    public func forEachSlab(_ body: (ChunkData, Int) throws -> Void) throws {
        let chunks = try Checked.product(gridShape, "chunk count")
        guard chunks <= Self.maxChunksPerPass else {
            throw ZarrError(.invalidArgument, "the array has \(chunks) chunks, more than the \(Self.maxChunksPerPass) one pass may visit (the per-pass limit)", key: metadataKey)
        }
        if shape.isEmpty || shape.contains(0) {
            try body(try read(), shape.reduce(1, *))
            return
        }
        let rowElements = shape.dropFirst().reduce(1, *)
        var start = 0
        while start < shape[0] {
            // Rectilinear grids: a slab ends at the end of the chunk row that holds `start`.
            let stop = min(start + rowsOfChunk(at: start), shape[0])
            try body(try read([Slice(start, stop)] + shape.dropFirst().map { Slice.all($0) }), (stop - start) * rowElements)
            start = stop
        }
    }

    private func rowsOfChunk(at row: Int) -> Int {
        let (_, local, extent) = grid.locator(axis: 0)(row)
        return max(extent - local, 1)
    }
}
