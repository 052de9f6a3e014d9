import CZarrLZ4

/// lz4-java's LZ4Block stream framing, which N5's `lz4` compression uses (N5-10): blocks of
/// "LZ4Block", a token (method 0x10 raw / 0x20 LZ4, plus log2(blockSize) - 10), compressed and
/// decompressed lengths (int32 LE), an XXH32 checksum (seed 0x9747b28c, masked to 28 bits) of the
/// decompressed block, the payload; then an empty block ends the stream.
enum LZ4Block {
    static let magic = Array("LZ4Block".utf8)
    static let seed: UInt32 = 0x9747_B28C
    static let header = 21

    /// lz4-java's checksum: XXH32 (libxxhash, `XXHash.swift`) with its seed, masked to 28 bits.
    static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.withUnsafeBytes { XXHash32.hash($0, seed: seed) } & 0x0FFF_FFFF
    }

    static func compress(_ input: [UInt8], blockSize: Int) throws -> [UInt8] {
        let blockSize = min(max(blockSize, 64), 1 << 25)
        let level = UInt8(max(0, Int.bitWidth - (blockSize - 1).leadingZeroBitCount - 10))
        var out: [UInt8] = []
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
        var start = 0
        while start < input.count {
            let block = input[start..<min(start + blockSize, input.count)]
            let packed = try LZ4.compress(Array(block), acceleration: 1).dropFirst(4)  // the raw block, without numcodecs' size
            let raw = packed.count >= block.count
            out += magic
            out.append((raw ? 0x10 : 0x20) | level)
            u32(UInt32(raw ? block.count : packed.count)); u32(UInt32(block.count)); u32(checksum(block))
            out += raw ? Array(block) : Array(packed)
            start += block.count
        }
        out += magic
        out.append(0x10 | level)
        u32(0); u32(0); u32(0)
        return out
    }

    static func decompress(_ input: [UInt8], expectedSize: Int?, limit: Int) throws -> [UInt8] {
        func fail(_ why: String) -> ZarrError { ZarrError.corrupt(why, codec: "lz4") }
        // z5py writes N5 lz4 as one bare LZ4 block, without LZ4Block framing (N5-Java cannot read
        // it); such a block is read when it decodes to exactly the expected size.
        if !input.starts(with: magic), let expectedSize {
            // Allocation follows what is stored: an LZ4 block expands at most 255-fold.
            guard expectedSize <= input.count * 255 + 16 else { throw fail("\(input.count) bytes cannot hold a bare LZ4 block of \(expectedSize) bytes") }
            var out = [UInt8](repeating: 0, count: expectedSize)
            let n = input.withUnsafeBytes { src in
                out.withUnsafeMutableBytes { dst in
                    LZ4_decompress_safe(src.baseAddress?.assumingMemoryBound(to: CChar.self), dst.baseAddress?.assumingMemoryBound(to: CChar.self),
                                        Int32(src.count), Int32(dst.count))
                }
            }
            guard Int(n) == expectedSize else { throw fail("neither LZ4Block framing (N5-10) nor a bare LZ4 block of \(expectedSize) bytes") }
            return out
        }
        func u32(_ at: Int) -> Int { Int(input[at]) | Int(input[at + 1]) << 8 | Int(input[at + 2]) << 16 | Int(input[at + 3]) << 24 }
        let cap = expectedSize ?? limit
        var out: [UInt8] = []
        var pos = 0
        while true {
            guard input.count - pos >= header, Array(input[pos..<pos + 8]) == magic else { throw fail("missing LZ4Block header at byte \(pos) (N5-10)") }
            let method = input[pos + 8] & 0xF0
            let compressed = u32(pos + 9), decompressed = u32(pos + 13), check = UInt32(u32(pos + 17))
            pos += header
            if decompressed == 0 { break }  // the end marker
            guard compressed <= input.count - pos else { throw fail("block of \(compressed) bytes runs past the end") }
            guard decompressed <= cap - out.count else { throw fail("decodes to more than \(cap) bytes") }
            let payload = input[pos..<pos + compressed]
            pos += compressed
            var block: [UInt8]
            switch method {
            case 0x10:
                guard compressed == decompressed else { throw fail("raw block lengths disagree") }
                block = Array(payload)
            case 0x20:
                guard decompressed <= compressed * 255 + 16 else { throw fail("block of \(compressed) bytes claims \(decompressed), more than LZ4 can expand to") }
                block = [UInt8](repeating: 0, count: decompressed)
                let n = Array(payload).withUnsafeBytes { src in
                    block.withUnsafeMutableBytes { dst in
                        LZ4_decompress_safe(src.baseAddress?.assumingMemoryBound(to: CChar.self), dst.baseAddress?.assumingMemoryBound(to: CChar.self),
                                            Int32(src.count), Int32(dst.count))
                    }
                }
                guard Int(n) == decompressed else { throw fail("invalid LZ4 block") }
            default: throw fail("unknown LZ4Block method 0x\(String(method, radix: 16))")
            }
            guard checksum(block[...]) == check else { throw fail("LZ4Block checksum mismatch").because(.checksumMismatch) }
            out += block
        }
        if let expectedSize, out.count != expectedSize { throw fail("decodes to \(out.count) bytes where exactly \(expectedSize) are expected").because(.sizeMismatch) }
        return out
    }
}
