/// A codec that can decode part of a stored value from byte ranges of it (SH-14). Codecs never
/// reach into a store: the pipeline asks which ranges they need, fetches them (coalesced, and
/// concurrently where the store allows) and hands the bytes back. Sharding offers it; any
/// array→bytes codec with an index of its pieces can.
public protocol PartialDecodingCodec: ArrayToBytesCodec {
    /// How many pieces a value of `decoded` has, and which of them a selection touches
    /// (flat C-order indices; `runs` are the selection's runs inside the value).
    func pieceCount(_ decoded: ChunkRepresentation) throws -> Int
    func pieces(covering runs: [AxisRun], _ decoded: ChunkRepresentation) -> [Int]
    /// The range to read first (an index): a suffix where it sits at the end, so no size is needed.
    func indexRange(_ decoded: ChunkRepresentation) throws -> ByteRange
    /// Where each wanted piece lies in the stored value, from the index bytes (nil: not stored).
    func locate(_ wanted: [Int], index: [UInt8], size: Int, _ decoded: ChunkRepresentation) throws -> [Range<Int>?]
    /// The value with the wanted pieces decoded from their bytes and the rest filled.
    func decode(pieces wanted: [Int], _ bytes: [[UInt8]?], _ decoded: ChunkRepresentation) throws -> ChunkData
    /// The most bytes one stored piece may take.
    func maxPieceSize(_ decoded: ChunkRepresentation) throws -> Int
}

/// Merging of byte ranges of one value into fewer requests.
public enum RangeCoalescing {
    /// Ranges closer than `gap` bytes are read as one, up to `maxSize` bytes per read (an
    /// oversized range stays one read of its own). Returns the reads in offset order and, for
    /// each input range, which read holds it.
    public static func merge(_ ranges: [Range<Int>], gap: Int = 4096, maxSize: Int = 16 << 20) -> (reads: [Range<Int>], holder: [Int]) {
        let order = ranges.indices.sorted { ranges[$0].lowerBound < ranges[$1].lowerBound }
        var reads: [Range<Int>] = []
        var holder = [Int](repeating: 0, count: ranges.count)
        for i in order {
            let r = ranges[i]
            if let last = reads.last, r.lowerBound <= last.upperBound + gap,
               max(last.upperBound, r.upperBound) - last.lowerBound <= maxSize {
                reads[reads.count - 1] = last.lowerBound..<max(last.upperBound, r.upperBound)
            } else {
                reads.append(r)
            }
            holder[i] = reads.count - 1
        }
        return (reads, holder)
    }
}
