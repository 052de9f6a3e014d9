import CZarrLZ4

/// Raw LZ4 blocks, as numcodecs frames them: a u32 LE decoded size, then one block (NC-07).
enum LZ4 {
    static var libraryVersion: String { String(cString: LZ4_versionString()) }

    static func compress(_ input: [UInt8], acceleration: Int) throws -> [UInt8] {
        guard input.count <= Int(LZ4_MAX_INPUT_SIZE) else { throw ZarrError(.invalidArgument, "input too large for lz4", codec: "lz4") }
        let bound = Int(LZ4_compressBound(Int32(input.count)))
        var out = [UInt8](repeating: 0, count: 4 + bound)
        withUnsafeBytes(of: UInt32(input.count).littleEndian) { out.replaceSubrange(0..<4, with: $0) }
        let n = input.withUnsafeBytes { src in
            out.withUnsafeMutableBytes { dst in
                LZ4_compress_fast(src.baseAddress?.assumingMemoryBound(to: CChar.self),
                                  dst.baseAddress!.advanced(by: 4).assumingMemoryBound(to: CChar.self),  // dst has >= 4 bytes
                                  Int32(src.count), Int32(bound), Int32(max(acceleration, 1)))
            }
        }
        guard n > 0 || input.isEmpty else { throw ZarrError(.invalidArgument, "lz4 compression failed", codec: "lz4") }
        out.removeLast(out.count - 4 - Int(n))
        return out
    }

    static func decompress(_ input: [UInt8], expectedSize: Int?, limit: Int) throws -> [UInt8] {
        guard input.count >= 4 else { throw ZarrError.corrupt("lz4 data shorter than its 4-byte size header", codec: "lz4") }
        let size = Int(input[0]) | Int(input[1]) << 8 | Int(input[2]) << 16 | Int(input[3]) << 24
        if let expectedSize, size != expectedSize {
            throw ZarrError.corrupt("lz4 header says \(size) bytes, the chunk needs \(expectedSize)", codec: "lz4")
        }
        guard size <= limit, size <= Int(Int32.max) else { throw ZarrError.corrupt("lz4 header claims \(size) bytes, over the limit", codec: "lz4") }
        // An LZ4 block expands at most 255-fold (each match length byte adds at most 255).
        guard size <= (input.count - 4) * 255 + 16 else {
            throw ZarrError.corrupt("lz4 header claims \(size) bytes from \(input.count - 4) compressed bytes, more than LZ4 can expand to", codec: "lz4")
        }
        var out = [UInt8](repeating: 0, count: size)
        let n = input.withUnsafeBytes { src in
            out.withUnsafeMutableBytes { dst in
                LZ4_decompress_safe(src.baseAddress!.advanced(by: 4).assumingMemoryBound(to: CChar.self),  // count >= 4 checked
                                    dst.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(src.count - 4), Int32(dst.count))
            }
        }
        guard Int(n) == size else { throw ZarrError.corrupt("invalid lz4 block (\(n))", codec: "lz4") }
        return out
    }
}
