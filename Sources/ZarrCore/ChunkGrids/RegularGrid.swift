/// The regular chunk grid (V3-60…V3-63; v2 `chunks`): every chunk has `chunkShape`, anchored at
/// the origin; edge chunks are stored whole.
public struct RegularGrid: Equatable, Sendable {
    public var chunkShape: [Int]

    public init(chunkShape: [Int], arrayShape: [Int]) throws {
        guard chunkShape.count == arrayShape.count else {
            throw ZarrError.metadata("chunk shape has \(chunkShape.count) dimensions, the array has \(arrayShape.count)", field: "chunks")
        }
        for (c, s) in zip(chunkShape, arrayShape) where c < 1 && !(c == 0 && s == 0) {
            throw ZarrError.metadata("chunk sizes must be at least 1, got \(c)", field: "chunks")
        }
        // AM-02: a chunk size of 0 on a zero-length axis (legacy writers) is read as 1.
        self.chunkShape = zip(chunkShape, arrayShape).map { c, _ in max(c, 1) }
        _ = try Checked.product(self.chunkShape, "chunk element count")
    }

    public func gridShape(for arrayShape: [Int]) -> [Int] {
        zip(arrayShape, chunkShape).map { Checked.ceilDiv($0, $1) }
    }
}

/// How chunk grid indices become store keys (V2-50, V3-70…V3-73, N5-12).
public enum ChunkKeyEncoding: Equatable, Sendable {
    /// v2: indices joined by the separator; `0` for a 0-d array.
    case v2(separator: Character)
    /// v3 default: `c`, then each index preceded by the separator.
    case `default`(separator: Character)
    /// N5 read with reversed axes (z5py, zarr-python 2): the key lists indices in N5 order (N5-24).
    case n5Reversed

    public func key(_ indices: [Int]) -> String {
        switch self {
        case .n5Reversed:
            return indices.isEmpty ? "0" : indices.reversed().map(String.init).joined(separator: "/")
        case .v2(let sep):
            return indices.isEmpty ? "0" : indices.map(String.init).joined(separator: String(sep))
        case .default(let sep):
            return (["c"] + indices.map(String.init)).joined(separator: String(sep))
        }
    }
}
