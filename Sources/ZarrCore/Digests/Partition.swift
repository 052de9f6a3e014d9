/// One of `count` disjoint parts of a piece of work, written `I/N` (0-based: `0/4` … `3/4`).
/// Part `I` of `n` ordered items is `floor(I·n/N) ..< floor((I+1)·n/N)`: the parts are
/// contiguous, cover every item once, and differ in size by at most one.
public struct Partition: Sendable, Equatable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    public static let whole = Partition(index: 0, count: 1)

    /// Partitions beyond this are refused: each costs at least one listing or metadata pass.
    public static let maxCount = 1 << 20

    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// Parses `I/N` with `0 ≤ I < N ≤ maxCount`.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, n <= Self.maxCount, i >= 0, i < n else { return nil }
        self.init(index: i, count: n)
    }

    public var description: String { "\(index)/\(count)" }
    public var isWhole: Bool { count == 1 }

    /// This part's share of `n` ordered items.
    public func range(of n: Int) -> Range<Int> { Self.boundary(index, count, n)..<Self.boundary(index + 1, count, n) }

    static func boundary(_ i: Int, _ parts: Int, _ n: Int) -> Int { Int(Int128(i) * Int128(n) / Int128(parts)) }
}
