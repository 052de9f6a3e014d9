/// The output of a streaming decompressor. It never grows past `limit + 1` bytes (or
/// `expected + 1` when the exact size is known): one byte over is how an oversized stream
/// is noticed without decoding it all, so a decompression bomb costs at most the cap.
struct DecodeOutput {
    private(set) var buffer: [UInt8]
    var used = 0
    let cap: Int
    let expected: Int?
    let codec: String

    init(expected: Int?, limit: Int, inputCount: Int, codec: String) {
        self.expected = expected
        self.codec = codec
        let bound = (expected ?? limit)
        cap = bound == Int.max ? bound : bound + 1
        // Allocation follows what is stored: a size claimed by a header (or by metadata) is
        // trusted up front only as far as a plausible compression ratio of the input allows;
        // beyond that the buffer grows as output actually arrives.
        let plausible = Self.plausibleSize(inputCount: inputCount)
        let initial = expected.map { min($0 + 1, plausible) } ?? min(cap, max(inputCount.multipliedReportingOverflow(by: 4).partialValue, 1 << 16))
        buffer = [UInt8](repeating: 0, count: max(1, min(initial, cap)))
    }

    /// The most output trusted up front for `inputCount` stored bytes: 1024 times the input (about
    /// DEFLATE's and bzip2's best ratios), at least 1 MiB.
    static func plausibleSize(inputCount: Int) -> Int {
        max(inputCount.multipliedReportingOverflow(by: 1024).partialValue, 1 << 20)
    }

    /// Makes room for more output; throws once the cap is reached.
    mutating func reserve() throws {
        guard used == buffer.count else { return }
        guard buffer.count < cap else { throw tooLarge() }
        let grown = min(cap, buffer.count.multipliedReportingOverflow(by: 2).partialValue)
        buffer += [UInt8](repeating: 0, count: grown - buffer.count)
    }

    func tooLarge() -> ZarrError {
        if let expected { return ZarrError.corrupt("decodes to more than the expected \(expected) bytes", codec: codec, problem: .sizeMismatch) }
        return ZarrError.corrupt("decodes to more than the \(cap - 1)-byte limit", codec: codec)
    }

    /// Calls `body` with the free space; `body` returns how many bytes it wrote.
    mutating func write(_ body: (UnsafeMutableRawBufferPointer) throws -> Int) rethrows {
        let start = used
        let written = try buffer.withUnsafeMutableBytes { all in
            try body(UnsafeMutableRawBufferPointer(rebasing: all[start...]))
        }
        used += written
    }

    /// The decoded bytes, trimmed in place (no copy).
    mutating func finish() throws -> [UInt8] {
        if let expected, used != expected {
            if used > expected { throw tooLarge() }
            throw ZarrError.corrupt("decodes to \(used) bytes where exactly \(expected) are expected", codec: codec, problem: .sizeMismatch)
        }
        if used >= cap { throw tooLarge() }
        buffer.removeSubrange(used...)
        return buffer
    }
}
