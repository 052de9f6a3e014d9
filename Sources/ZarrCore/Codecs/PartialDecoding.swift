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
    /// One piece on its own: its representation, where it starts in the value, and its bytes
    /// decoded; so a reader can place pieces straight into its output, with no value-sized buffer.
    func pieceRepresentation(_ decoded: ChunkRepresentation) throws -> ChunkRepresentation
    func pieceOrigin(_ piece: Int, _ decoded: ChunkRepresentation) throws -> [Int]
    func decode(piece bytes: [UInt8], _ decoded: ChunkRepresentation) throws -> ChunkData
}
