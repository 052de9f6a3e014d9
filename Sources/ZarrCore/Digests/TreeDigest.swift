import Crypto
import Foundation

/// The `tree` digest of docs/digests.md: SHA-256 of fixed canonical tiles of the logical array
/// (so it does not depend on chunking, codecs or format), the tile hashes of each row of tiles
/// hashed together, and the row hashes hashed under a header naming the shape and tile edge.
/// Rows can be hashed by different processes (`Partition`) and joined with `root`.
public enum TreeDigest {
    /// Bytes of one tile at most (fewer at the array's edges).
    static let tileBytes = 1 << 20
    /// Decoded bytes held at once while hashing: one block of whole tiles.
    static let blockBytes = 64 << 20

    /// The tile edge for a rank and canonical element size (16 for variable-length types).
    public static func edge(rank: Int, elementSize: Int) -> Int {
        guard rank > 0 else { return 1 }
        let elements = max(1, tileBytes / max(elementSize, 1))
        let log2 = Int.bitWidth - 1 - elements.leadingZeroBitCount
        return 1 << (log2 / rank)
    }

    public static func edge(_ array: ZarrArray) -> Int { edge(rank: array.shape.count, elementSize: array.dataType.itemSize ?? 16) }

    /// Rows of tiles: `ceil(d0 / e)`, none when an axis is empty, one for a rank-0 array.
    public static func rowCount(shape: [Int], edge: Int) -> Int {
        guard let first = shape.first else { return 1 }
        return shape.contains(0) ? 0 : Checked.ceilDiv(first, edge)
    }

    /// The tile rows part `partition` hashes: boundaries follow the stored chunk rows (shards
    /// for a sharded array) so a stored chunk is read by at most two parts.
    public static func rows(of partition: Partition, _ array: ZarrArray) -> Range<Int> {
        let e = edge(array), rows = rowCount(shape: array.shape, edge: e)
        guard let d0 = array.shape.first, rows > 0 else { return partition.index == partition.count - 1 ? 0..<rows : 0..<0 }
        let c = max(array.chunkShape.first ?? 1, 1), chunkRows = Checked.ceilDiv(d0, c)
        // Chunk row k starts at element k·c ≤ d0 (no overflow): its tile row is k·c / e.
        func boundary(_ i: Int) -> Int { i == partition.count ? rows : min(Partition.boundary(i, partition.count, chunkRows) * c / e, rows) }
        return boundary(partition.index)..<boundary(partition.index + 1)
    }

    /// The root over all row hashes, as lower-case hex.
    public static func root(shape: [Int], edge: Int, rowHashes: [[UInt8]]) -> String {
        var hasher = SHA256()
        hasher.update(data: Array("zarr-tree-v1".utf8))
        for value in [shape.count] + shape + [edge] {
            withUnsafeBytes(of: UInt64(value).littleEndian) { hasher.update(bufferPointer: $0) }
        }
        for row in rowHashes { hasher.update(data: row) }
        return CanonicalDigest.hex(hasher.finalize())
    }

    /// The whole array's digest in one process.
    public static func compute(_ array: ZarrArray) throws -> String {
        let e = edge(array)
        return root(shape: array.shape, edge: e, rowHashes: try hashRows(array, 0..<rowCount(shape: array.shape, edge: e)))
    }

    /// The hashes of tile rows `rows`, reading one block of whole tiles at a time and hashing
    /// a block's tiles on every core.
    public static func hashRows(_ array: ZarrArray, _ rows: Range<Int>) throws -> [[UInt8]] {
        let shape = array.shape, rank = shape.count, e = edge(array)
        guard rank > 0 else {
            let tile = try hashTile(array.read(), shape: [], origin: [], extent: [])
            return [Array(SHA256.hash(data: tile))]
        }
        guard !rows.isEmpty else { return [] }
        let itemSize = array.dataType.itemSize ?? 16
        let rowElements = try Checked.product(shape.dropFirst().map { $0 }, "row size")
        let partElements = try Checked.multiply(min(try Checked.multiply(rows.count, e, "part rows"), shape[0]), rowElements, "part size")
        guard partElements <= CanonicalDigest.maxElements else {
            throw ZarrError(.invalidArgument, "a part of \(partElements) elements is too large to digest here (limit 2^34 elements): use more partitions", key: array.metadataKey)
        }
        let grid = shape.map { Checked.ceilDiv($0, e) }
        let inner = Array(grid.dropFirst(2))  // tiles on axes 2…, whole in every block
        let innerCount = inner.reduce(1, *)
        // Rows of tiles per slab: whole stored chunk rows where they fit in a block.
        // Sizes of at most 2^34 elements (checked above) times 16 bytes: no overflow.
        let tileRowBytes = min(e, shape[0]) * rowElements * itemSize
        let slabRows = max(1, min(Checked.ceilDiv(max(array.chunkShape[0], 1), e), blockBytes / max(tileRowBytes, 1)))
        // Tiles per block along axis 1.
        let columnBytes = slabRows * min(e, shape[0]) * (rank > 1 ? min(e, shape[1]) : 1) * shape.dropFirst(2).reduce(1, *) * itemSize
        let blockColumns = rank > 1 ? max(1, blockBytes / max(columnBytes, 1)) : 1
        var rowTiles = [[UInt8]](repeating: [], count: rows.count)
        var slab = rows.lowerBound / slabRows * slabRows
        while slab < rows.upperBound {
            let first = max(slab, rows.lowerBound), end = min(slab + slabRows, rows.upperBound)
            let top = first * e, bottom = min(end * e, shape[0])
            for column in stride(from: 0, to: rank > 1 ? grid[1] : 1, by: blockColumns) {
                let columns = column..<min(column + blockColumns, rank > 1 ? grid[1] : 1)
                var selection = [Slice(top, bottom)]
                if rank > 1 { selection.append(Slice(columns.lowerBound * e, min(columns.upperBound * e, shape[1]))) }
                selection += shape.dropFirst(2).map { Slice.all($0) }
                let block = try array.read(selection)
                let blockShape = selection.map(\.count)
                let perRow = columns.count * innerCount
                let hashes = try Parallel.map((end - first) * perRow) { t -> [UInt8] in
                    var rest = t % perRow, origin = [(t / perRow) * e]
                    if rank > 1 { origin.append((rest / innerCount) * e); rest %= innerCount }
                    var innerOrigin = [Int](repeating: 0, count: inner.count)
                    for d in inner.indices.reversed() { innerOrigin[d] = (rest % inner[d]) * e; rest /= inner[d] }
                    origin += innerOrigin
                    let extent = origin.indices.map { min(e, blockShape[$0] - origin[$0]) }
                    return try hashTile(block, shape: blockShape, origin: origin, extent: extent)
                }
                for (t, hash) in hashes.enumerated() { rowTiles[first - rows.lowerBound + t / perRow] += hash }
            }
            slab += slabRows
        }
        return rowTiles.map { Array(SHA256.hash(data: $0)) }
    }

    /// SHA-256 of one tile's canonical bytes in C order: the tile is the box `origin ..<
    /// origin + extent` of a block of shape `shape` (C order).
    static func hashTile(_ block: ChunkData, shape: [Int], origin: [Int], extent: [Int]) throws -> [UInt8] {
        var hasher = SHA256()
        let strides = Selection.cStrides(shape)
        let runs = origin.indices.map { AxisRun(chunk: 0, local: origin[$0], localStep: 1, out: 0, count: extent[$0]) }
        switch block {
        case .fixed(let bytes):
            let itemSize = shape.reduce(1, *) == 0 ? 0 : bytes.count / shape.reduce(1, *)
            bytes.withUnsafeBytes { raw in
                Selection.forEachRun(runs, chunkStrides: strides, outStrides: strides) { offset, _, count in
                    hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: raw[(offset * itemSize)..<((offset + count) * itemSize)]))
                }
            }
        case .variable(let items):
            Selection.forEachRun(runs, chunkStrides: strides, outStrides: strides) { offset, _, count in
                CanonicalDigest.update(&hasher, with: .variable(Array(items[offset..<(offset + count)])))
            }
        }
        return Array(hasher.finalize())
    }
}
