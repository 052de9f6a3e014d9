import CZarrBzip2

/// bzip2 streams through the system libbz2; several concatenated streams decode as one.
enum Bzip2 {
    static var libraryVersion: String { String(String(cString: BZ2_bzlibVersion()).prefix { $0 != "," }) }

    static func compress(_ input: [UInt8], level: Int) throws -> [UInt8] {
        var stream = bz_stream()
        guard BZ2_bzCompressInit(&stream, Int32(min(max(level, 1), 9)), 0, 0) == BZ_OK else {
            throw ZarrError(.invalidArgument, "cannot initialise bzip2", codec: "bz2")
        }
        defer { BZ2_bzCompressEnd(&stream) }
        var out = [UInt8](repeating: 0, count: input.count + input.count / 100 + 600)
        let status: Int32 = input.withUnsafeBytes { src in
            out.withUnsafeMutableBytes { dst in
                // libbz2 does not write through next_in.
                stream.next_in = UnsafeMutablePointer(mutating: src.bindMemory(to: CChar.self).baseAddress)
                stream.avail_in = UInt32(src.count)
                stream.next_out = dst.bindMemory(to: CChar.self).baseAddress
                stream.avail_out = UInt32(dst.count)
                var s: Int32
                repeat { s = BZ2_bzCompress(&stream, BZ_FINISH) } while s == BZ_FINISH_OK
                return s
            }
        }
        guard status == BZ_STREAM_END else { throw ZarrError(.invalidArgument, "bzip2 compression failed (\(status))", codec: "bz2") }
        out.removeLast(out.count - Int(stream.total_out_lo32))
        return out
    }

    static func decompress(_ input: [UInt8], expectedSize: Int?, limit: Int) throws -> [UInt8] {
        var output = DecodeOutput(expected: expectedSize, limit: limit, inputCount: input.count, codec: "bz2")
        var stream = bz_stream()
        guard BZ2_bzDecompressInit(&stream, 0, 0) == BZ_OK else { throw ZarrError.corrupt("cannot initialise bzip2", codec: "bz2") }
        defer { BZ2_bzDecompressEnd(&stream) }
        try input.withUnsafeBytes { src in
            stream.next_in = UnsafeMutablePointer(mutating: src.bindMemory(to: CChar.self).baseAddress)
            stream.avail_in = UInt32(src.count)
            while true {
                try output.reserve()
                var status: Int32 = BZ_OK
                output.write { dst in
                    stream.next_out = dst.bindMemory(to: CChar.self).baseAddress
                    stream.avail_out = UInt32(min(dst.count, Int(UInt32.max)))
                    let before = stream.avail_out
                    status = BZ2_bzDecompress(&stream)
                    return Int(before - stream.avail_out)
                }
                if status == BZ_STREAM_END {
                    guard stream.avail_in > 0 else { return }
                    let next = stream.next_in, left = stream.avail_in
                    BZ2_bzDecompressEnd(&stream)
                    stream = bz_stream()
                    guard BZ2_bzDecompressInit(&stream, 0, 0) == BZ_OK else { throw ZarrError.corrupt("cannot reset bzip2", codec: "bz2") }
                    stream.next_in = next
                    stream.avail_in = left
                    continue
                }
                guard status == BZ_OK else { throw ZarrError.corrupt("invalid bzip2 data (\(status))", codec: "bz2") }
                if stream.avail_in == 0, stream.avail_out > 0 { throw ZarrError.corrupt("bzip2 stream is truncated", codec: "bz2") }
            }
        }
        return try output.finish()
    }
}
