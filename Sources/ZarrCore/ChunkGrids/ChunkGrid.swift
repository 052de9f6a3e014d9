/// A chunk grid: `regular` (V3-60…V3-63, and every v2 and N5 array) or `rectilinear` (EX-G01…EX-G05).
public enum ChunkGrid: Equatable, Sendable {
    case regular(RegularGrid)
    /// Per axis, the chunk edge lengths, expanded from run-length form up to the array's length.
    case rectilinear(edges: [[Int]])
    /// A regular grid whose edge chunks end at the array's bounds (N5 blocks, N5-15).
    case clipped(RegularGrid, arrayShape: [Int])

    /// Chunks along one axis are capped: a grid that would need more is refused, not expanded.
    static let maxChunksPerAxis = 1 << 24

    public func gridShape(for arrayShape: [Int]) -> [Int] {
        switch self {
        case .regular(let g), .clipped(let g, _): return g.gridShape(for: arrayShape)
        case .rectilinear(let edges):
            return zip(edges, arrayShape).map { axis, n in
                var sum = 0, count = 0
                for e in axis where sum < n {
                    let (next, overflow) = sum.addingReportingOverflow(e)
                    sum = overflow ? Int.max : next
                    count += 1
                }
                return count
            }
        }
    }

    /// The shape of the chunk at grid position `indices` (edge chunks are full-size in regular grids).
    public func chunkShape(_ indices: [Int]) -> [Int] {
        switch self {
        case .regular(let g): return g.chunkShape
        case .rectilinear(let edges): return zip(edges, indices).map { $0[$1] }
        case .clipped(let g, let shape):
            return (0..<shape.count).map { d in max(0, min(g.chunkShape[d], shape[d] - indices[d] * g.chunkShape[d])) }
        }
    }

    public func origin(_ indices: [Int]) -> [Int] {
        switch self {
        case .regular(let g), .clipped(let g, _): return zip(g.chunkShape, indices).map { $0 * $1 }
        case .rectilinear(let edges): return zip(edges, indices).map { axis, i in axis.prefix(i).reduce(0) { Self.saturatingAdd($0, $1) } }
        }
    }

    /// (chunk index, index within the chunk, the chunk's length) of element `i` along `axis` (EX-G04).
    public func locator(axis: Int) -> (Int) -> (chunk: Int, local: Int, extent: Int) {
        switch self {
        case .regular(let g), .clipped(let g, _):
            let size = g.chunkShape[axis]
            return { ($0 / size, $0 % size, size) }
        case .rectilinear(let edges):
            var starts: [Int] = [0]
            for e in edges[axis] { starts.append(Self.saturatingAdd(starts[starts.count - 1], e)) }
            return { i in
                var lo = 0, hi = starts.count - 1  // the chunk c with starts[c] <= i < starts[c+1]
                while hi - lo > 1 {
                    let mid = (lo + hi) / 2
                    if starts[mid] <= i { lo = mid } else { hi = mid }
                }
                return (lo, i - starts[lo], starts[lo + 1] - starts[lo])
            }
        }
    }

    static func saturatingAdd(_ a: Int, _ b: Int) -> Int {
        let (r, overflow) = a.addingReportingOverflow(b)
        return overflow ? Int.max : r
    }

    /// The largest chunk on each axis: what the chunk-size limit is checked against.
    var largestChunk: [Int] {
        switch self {
        case .regular(let g), .clipped(let g, _): return g.chunkShape
        case .rectilinear(let edges): return edges.map { $0.max() ?? 0 }
        }
    }

    /// Parses a v3 `chunk_grid`.
    static func parseV3(_ json: JSON, shape: [Int]) throws -> ChunkGrid {
        let ext = try ExtensionObject(json, field: "chunk_grid")
        try ext.requireUnderstood("chunk_grid")
        let c = ext.config("chunk_grid")
        func fail(_ why: String) -> ZarrError { ZarrError.metadata(why, field: "chunk_grid") }
        switch ext.name {
        case "regular":
            guard let items = c.object["chunk_shape"]?.arrayValue else { throw fail("regular grid needs chunk_shape (V3-13)") }
            let sizes = try items.map { j -> Int in
                guard let v = j.intValue else { throw fail("chunk_shape must hold integers") }
                return v
            }
            return .regular(try RegularGrid(chunkShape: sizes, arrayShape: shape))
        case "rectilinear":
            guard c.object["kind"]?.stringValue == "inline" else { throw fail("rectilinear kind must be \"inline\" (EX-G01)") }
            guard let axes = c.object["chunk_shapes"]?.arrayValue, axes.count == shape.count else {
                throw fail("chunk_shapes must have one entry per dimension (EX-G01)")
            }
            return .rectilinear(edges: try zip(axes, shape).map { try expand($0, length: $1) })
        default:
            throw RegisteredExtensions.unknown(ext.name, .chunkGrid)
        }
    }

    /// EX-G02/EX-G03: an int repeats to cover the axis; a list mixes lengths and [value, count] runs.
    static func expand(_ axis: JSON, length: Int) throws -> [Int] {
        func fail(_ why: String) -> ZarrError { ZarrError.metadata(why, field: "chunk_grid") }
        var out: [Int] = []
        var sum = 0
        func push(_ v: Int, _ n: Int) throws {
            guard v >= 1, n >= 1 else { throw fail("chunk lengths and counts must be at least 1 (EX-G02)") }
            for _ in 0..<n {
                if sum >= length && !out.isEmpty { return }  // overshoot beyond the array is never addressed
                guard out.count < maxChunksPerAxis else { throw ZarrError(.unsupported, "more than \(maxChunksPerAxis) chunks on one axis", field: "chunk_grid") }
                out.append(v)
                let (next, overflow) = sum.addingReportingOverflow(v)
                sum = overflow ? Int.max : next  // past any axis length: expansion stops
            }
        }
        if let m = axis.intValue {
            guard m >= 1 else { throw fail("chunk lengths must be at least 1 (EX-G02)") }
            try push(m, max(1, Checked.ceilDiv(length, m)))
        } else if let items = axis.arrayValue {
            for item in items {
                if let v = item.intValue { try push(v, 1) }
                else if let pair = item.arrayValue, pair.count == 2, let v = pair[0].intValue, let n = pair[1].intValue { try push(v, n) }
                else { throw fail("entries are lengths or [length, count] pairs (EX-G02)") }
            }
        } else { throw fail("each axis is an integer or a list (EX-G02)") }
        guard sum >= length else { throw fail("chunk lengths sum to \(sum), less than the axis length \(length) (EX-G03)") }
        return out
    }
}

extension ChunkKeyEncoding {
    static func parseV3(_ json: JSON) throws -> ChunkKeyEncoding {
        let ext = try ExtensionObject(json, field: "chunk_key_encoding")
        try ext.requireUnderstood("chunk_key_encoding")
        let sep = try ext.config("chunk_key_encoding").oneOf("separator", ["/", "."], default: ext.name == "v2" ? "." : "/")
        switch ext.name {
        case "default": return .default(separator: Character(sep))
        case "v2": return .v2(separator: Character(sep))
        default: throw RegisteredExtensions.unknown(ext.name, .chunkKeyEncoding)
        }
    }
}
