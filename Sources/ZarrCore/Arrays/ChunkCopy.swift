/// Copies boxes between chunk-shaped buffers (inner chunks in and out of shards, selections in
/// and out of chunks).
enum ChunkCopy {
    /// Runs copying a box of `extent` elements from `sourceOrigin` to `destinationOrigin`.
    static func runs(sourceOrigin: [Int], destinationOrigin: [Int], extent: [Int]) -> [AxisRun] {
        (0..<extent.count).map { d in AxisRun(chunk: 0, local: sourceOrigin[d], localStep: 1, out: destinationOrigin[d], count: extent[d]) }
    }

    /// Copies the runs' elements from `source` (shape `sourceShape`, indexed by the runs' `local`
    /// side) into `destination` (shape `destinationShape`, their `out` side). With `scatter`, the
    /// roles swap: the source is indexed by `out` and the destination by `local`.
    static func copy(_ source: ChunkData, sourceShape: [Int], into destination: inout ChunkData, destinationShape: [Int],
                     runs: [AxisRun], itemSize: Int, scatter: Bool = false) {
        let s = Selection.cStrides(sourceShape), d = Selection.cStrides(destinationShape)
        let (localStrides, outStrides) = scatter ? (d, s) : (s, d)
        // The destination's buffer is taken out of the enum before it is written, so it is
        // uniquely referenced and written in place (a tuple or a second binding of it would
        // keep a reference and make every copy duplicate the whole destination first).
        if case .fixed(let src) = source, case .fixed(var dst) = destination {
            guard itemSize > 0, !src.isEmpty, !dst.isEmpty else { return }
            destination = .fixed([])
            src.withUnsafeBytes { sp in
                dst.withUnsafeMutableBytes { dp in
                    Selection.forEachRun(runs, chunkStrides: localStrides, outStrides: outStrides) { l, o, n in
                        // l and o index elements inside the two buffers: the runs come from in-bounds plans.
                        let (from, to) = scatter ? (o, l) : (l, o)
                        (dp.baseAddress! + to * itemSize).copyMemory(from: sp.baseAddress! + from * itemSize, byteCount: n * itemSize)
                    }
                }
            }
            destination = .fixed(dst)
        } else if case .variable(let src) = source, case .variable(var dst) = destination {
            destination = .variable([])
            Selection.forEachRun(runs, chunkStrides: localStrides, outStrides: outStrides) { l, o, n in
                let (from, to) = scatter ? (o, l) : (l, o)
                for k in 0..<n { dst[to + k] = src[from + k] }
            }
            destination = .variable(dst)
        }
    }
}
