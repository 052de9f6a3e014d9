/// Copies boxes between chunk-shaped buffers (inner chunks in and out of shards).
enum ChunkCopy {
    /// Pairs (source index, destination index) along each axis for a box of `extent` elements.
    static func pairs(sourceOrigin: [Int], destinationOrigin: [Int], extent: [Int]) -> [[(local: Int, out: Int)]] {
        (0..<extent.count).map { d in (0..<extent[d]).map { (sourceOrigin[d] + $0, destinationOrigin[d] + $0) } }
    }

    /// Copies the box from `source` (shape `sourceShape`) into `destination` (shape `destinationShape`).
    static func copy(_ source: ChunkData, sourceShape: [Int], into destination: inout ChunkData, destinationShape: [Int],
                     pairs: [[(local: Int, out: Int)]], itemSize: Int) {
        let s = Selection.cStrides(sourceShape), d = Selection.cStrides(destinationShape)
        switch (source, destination) {
        case (.fixed(let src), .fixed(var dst)):
            guard itemSize > 0, !src.isEmpty, !dst.isEmpty else { return }
            destination = .fixed([])  // release the enum's reference so `dst` is mutated in place
            src.withUnsafeBytes { sp in
                dst.withUnsafeMutableBytes { dp in
                    Selection.forEachRun(pairs, chunkStrides: s, outStrides: d) { c, o, n in
                        // c and o index elements inside the two buffers: both come from in-bounds pairs.
                        (dp.baseAddress! + o * itemSize).copyMemory(from: sp.baseAddress! + c * itemSize, byteCount: n * itemSize)
                    }
                }
            }
            destination = .fixed(dst)
        case (.variable(let src), .variable(var dst)):
            destination = .variable([])
            Selection.forEachRun(pairs, chunkStrides: s, outStrides: d) { c, o, n in
                for k in 0..<n { dst[o + k] = src[c + k] }
            }
            destination = .variable(dst)
        default: return
        }
    }
}
