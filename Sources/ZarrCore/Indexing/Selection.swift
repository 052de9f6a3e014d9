/// A hyperslab along one axis: `start..<stop` taking every `step`-th element (step >= 1).
public struct Slice: Equatable, Sendable {
    public var start: Int, stop: Int, step: Int
    public init(_ start: Int, _ stop: Int, step: Int = 1) {
        self.start = start
        self.stop = stop
        self.step = step
    }
    public static func all(_ n: Int) -> Slice { Slice(0, n) }
    public var count: Int { stop <= start ? 0 : (stop - start - 1) / step + 1 }
}

/// The part of a slice that falls in one chunk along one axis: `count` elements at
/// `local, local + localStep, …` in the chunk, landing at `out, out + 1, …` in the selection.
/// Plans are per chunk, never per element, so planning costs what the chunks touched cost.
public struct AxisRun: Sendable {
    /// The chunk's index along the axis.
    public internal(set) var chunk: Int
    /// The first selected element, counted from the chunk's start, and the step between them.
    public internal(set) var local: Int
    public internal(set) var localStep: Int
    /// Where the first element goes in the output, and how many there are.
    public internal(set) var out: Int
    public internal(set) var count: Int

    public var lastLocal: Int { local + (count - 1) * localStep }
}

/// For one axis: the chunks a slice touches, one run each.
struct AxisPlan: Sendable {
    var runs: [AxisRun]

    init(_ slice: Slice, locate: (Int) -> (chunk: Int, local: Int, extent: Int)) {
        var runs: [AxisRun] = []
        var i = slice.start, o = 0
        while i < slice.stop {
            let (c, local, extent) = locate(i)
            // Elements of this chunk: i, i + step, … below the chunk's end and the slice's stop.
            let end = min(i - local + max(extent, 1), slice.stop)
            let count = (end - i - 1) / slice.step + 1
            runs.append(AxisRun(chunk: c, local: local, localStep: slice.step, out: o, count: count))
            i += count * slice.step
            o += count
        }
        self.runs = runs
    }
}

/// The chunks a selection touches: the product of the axes' plans, visited by a flat index
/// (nothing per chunk is materialised up front).
struct SelectionPlan: Sendable {
    let axes: [AxisPlan]
    let count: Int

    /// Chunks one read or write may visit; a selection touching more is refused before any
    /// work (tiny chunks on a huge shape would otherwise run for hours).
    static let maxChunks = 1 << 22

    init(_ slices: [Slice], grid: ChunkGrid) throws {
        axes = slices.indices.map { AxisPlan(slices[$0], locate: grid.locator(axis: $0)) }
        var n = 1
        for a in axes {
            let (product, overflow) = n.multipliedReportingOverflow(by: a.runs.count)
            guard !overflow, product <= Self.maxChunks else {
                throw ZarrError(.invalidArgument, "the selection touches more than \(Self.maxChunks) chunks (the per-read limit); read it in parts")
            }
            n = product
        }
        count = n
    }

    /// Grid indices and per-axis runs of the `i`-th chunk visited (C order of the plans).
    func chunk(_ i: Int) -> (indices: [Int], runs: [AxisRun]) {
        var runs = [AxisRun]()
        runs.reserveCapacity(axes.count)
        var rest = i
        for a in axes.reversed() {
            runs.append(a.runs[rest % a.runs.count])
            rest /= a.runs.count
        }
        runs.reverse()
        return (runs.map(\.chunk), runs)
    }
}

enum Selection {
    /// Validates a selection against a shape; nil selects everything.
    static func resolve(_ selection: [Slice]?, shape: [Int]) throws -> [Slice] {
        guard let selection else { return shape.map { Slice.all($0) } }
        guard selection.count == shape.count else {
            throw ZarrError(.invalidArgument, "selection has \(selection.count) dimensions, the array has \(shape.count)")
        }
        for (s, n) in zip(selection, shape) {
            guard s.step >= 1, s.start >= 0, s.stop <= n, s.start <= s.stop || s.count == 0 else {
                throw ZarrError(.invalidArgument, "slice \(s.start)..<\(s.stop) step \(s.step) is outside 0..<\(n)")
            }
        }
        return selection
    }

    static func cStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        for i in stride(from: shape.count - 2, through: 0, by: -1) { strides[i] = strides[i + 1] * shape[i + 1] }
        return strides
    }

    /// Calls `body(chunkOffset, outOffset, run)` for every run of elements that is contiguous in
    /// both the chunk and the output (the last axis, when its step is 1).
    static func forEachRun(_ runs: [AxisRun], chunkStrides: [Int], outStrides: [Int], _ body: (Int, Int, Int) -> Void) {
        let rank = runs.count
        if rank == 0 { body(0, 0, 1); return }
        if runs.contains(where: { $0.count <= 0 }) { return }
        let last = runs[rank - 1]
        var idx = [Int](repeating: 0, count: rank - 1)
        while true {
            var c = 0, o = 0
            for d in 0..<rank - 1 {
                c += (runs[d].local + idx[d] * runs[d].localStep) * chunkStrides[d]
                o += (runs[d].out + idx[d]) * outStrides[d]
            }
            if last.localStep == 1 {
                body(c + last.local, o + last.out, last.count)
            } else {
                for k in 0..<last.count { body(c + last.local + k * last.localStep, o + last.out + k, 1) }
            }
            var d = rank - 2
            while d >= 0 {
                idx[d] += 1
                if idx[d] < runs[d].count { break }
                idx[d] = 0
                d -= 1
            }
            if d < 0 { return }
        }
    }
}
