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

/// For one axis: which chunks a slice touches and, in each, pairs of (index in chunk, index in output).
struct AxisPlan {
    var chunks: [(chunk: Int, pairs: [(local: Int, out: Int)])]

    init(_ slice: Slice, locate: (Int) -> (chunk: Int, local: Int)) {
        var byChunk: [(chunk: Int, pairs: [(local: Int, out: Int)])] = []
        var i = slice.start, o = 0
        while i < slice.stop {
            let (c, local) = locate(i)
            if byChunk.last?.chunk != c { byChunk.append((c, [])) }
            byChunk[byChunk.count - 1].pairs.append((local, o))
            i += slice.step
            o += 1
        }
        chunks = byChunk
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
    /// both the chunk and the output (the last axis, when its pairs are consecutive).
    static func forEachRun(_ pairs: [[(local: Int, out: Int)]], chunkStrides: [Int], outStrides: [Int],
                           _ body: (Int, Int, Int) -> Void) {
        let rank = pairs.count
        if rank == 0 { body(0, 0, 1); return }
        if pairs.contains(where: { $0.isEmpty }) { return }
        let last = pairs[rank - 1]
        let contiguous = zip(last, last.dropFirst()).allSatisfy { $1.local == $0.local + 1 && $1.out == $0.out + 1 }
        var idx = [Int](repeating: 0, count: rank - 1)
        while true {
            var c = 0, o = 0
            for d in 0..<rank - 1 {
                c += pairs[d][idx[d]].local * chunkStrides[d]
                o += pairs[d][idx[d]].out * outStrides[d]
            }
            if contiguous {
                body(c + last[0].local, o + last[0].out, last.count)
            } else {
                for p in last { body(c + p.local, o + p.out, 1) }
            }
            var d = rank - 2
            while d >= 0 {
                idx[d] += 1
                if idx[d] < pairs[d].count { break }
                idx[d] = 0
                d -= 1
            }
            if d < 0 { return }
        }
    }
}
