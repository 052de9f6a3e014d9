/// How reads of one value are merged: ranges less than `gap` bytes apart become one request
/// (tensorstore merges within about 4 KiB), as long as the merged request stays within
/// `maxSize` bytes. A gap of 0 still merges ranges that touch or overlap.
public struct RangeCoalescing: Equatable, Sendable {
    public var gap: Int
    public var maxSize: Int

    public init(gap: Int = 4096, maxSize: Int = 16 << 20) {
        self.gap = gap
        self.maxSize = maxSize
    }

    /// Every range requested on its own.
    public static let none = RangeCoalescing(gap: Int.min, maxSize: 0)
}

/// A merged request and the input ranges it serves (indices into the input).
public struct CoalescedRange: Equatable, Sendable {
    public var range: Range<Int>
    public var members: [Int]

    public init(range: Range<Int>, members: [Int]) {
        self.range = range
        self.members = members
    }
}

public enum RangeCoalescer {
    /// Groups `ranges` (of one value) into merged requests, in order of offset. Ranges whose
    /// distance to the group so far is at most `gap` join it unless the group would grow past
    /// `maxSize`; a range longer than `maxSize` is a group of its own. Overlapping and empty
    /// ranges are served like any other. Every input index appears in exactly one group.
    public static func coalesce(_ ranges: [Range<Int>], gap: Int = 4096, maxSize: Int = 16 << 20) -> [CoalescedRange] {
        let order = ranges.indices.sorted { (ranges[$0].lowerBound, ranges[$0].upperBound, $0) < (ranges[$1].lowerBound, ranges[$1].upperBound, $1) }
        var out: [CoalescedRange] = []
        for i in order {
            let r = ranges[i]
            if var last = out.last {
                let distance = r.lowerBound - last.range.upperBound  // negative when they overlap
                let merged = last.range.lowerBound..<max(last.range.upperBound, r.upperBound)
                if distance <= gap, merged.count <= maxSize || r.upperBound <= last.range.upperBound {
                    last.range = merged
                    last.members.append(i)
                    out[out.count - 1] = last
                    continue
                }
            }
            out.append(CoalescedRange(range: r, members: [i]))
        }
        return out
    }
}
