import CZarrZlib

/// zlib (RFC 1950), gzip (RFC 1952) and raw checksums, through the system zlib.
enum Zlib {
    static var libraryVersion: String { String(cString: zlibVersion()) }

    enum Container {
        case zlib, gzip
        var windowBits: Int32 { self == .zlib ? 15 : 31 }
        var name: String { self == .zlib ? "zlib" : "gzip" }
    }

    static func compress(_ input: [UInt8], level: Int, container: Container) throws -> [UInt8] {
        var stream = z_stream()
        guard zarr_deflate_init2(&stream, Int32(level), container.windowBits) == Z_OK else {
            throw ZarrError(.invalidArgument, "cannot initialise deflate at level \(level)", codec: container.name)
        }
        defer { deflateEnd(&stream) }
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 32)
        let status: Int32 = input.withUnsafeBytes { src in
            out.withUnsafeMutableBytes { dst in
                // zlib takes a non-const pointer but does not write through next_in.
                stream.next_in = UnsafeMutablePointer(mutating: src.bindMemory(to: Bytef.self).baseAddress)
                stream.avail_in = uInt(src.count)
                stream.next_out = dst.bindMemory(to: Bytef.self).baseAddress
                stream.avail_out = uInt(dst.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { throw ZarrError(.corruptData, "deflate failed (\(status))", codec: container.name) }
        out.removeLast(out.count - Int(stream.total_out))
        return out
    }

    /// Decodes a stream; gzip accepts several concatenated members (NC-04, N5-09). When the
    /// decoded size is known (a chunk's), libdeflate decodes the whole buffer at once; anything it
    /// cannot settle (no size, a stream longer or shorter than announced, data it rejects) is
    /// decoded here by zlib's streaming inflate, whose caps make a lying header a clear error.
    static func decompress(_ input: [UInt8], container: Container, expectedSize: Int?, limit: Int) throws -> [UInt8] {
        // A size no DEFLATE stream of this length can reach is not allocated up front (DecodeOutput).
        if let expectedSize, expectedSize <= min(limit, DecodeOutput.plausibleSize(inputCount: input.count)),
           let whole = Deflate.decompress(input, container: container, expectedSize: expectedSize) {
            return whole
        }
        return try streamingInflate(input, container: container, expectedSize: expectedSize, limit: limit)
    }

    /// zlib's streaming inflate, growing its output only as data arrives (DecodeOutput).
    static func streamingInflate(_ input: [UInt8], container: Container, expectedSize: Int?, limit: Int) throws -> [UInt8] {
        var stream = z_stream()
        guard zarr_inflate_init2(&stream, container.windowBits) == Z_OK else {
            throw ZarrError(.corruptData, "cannot initialise inflate", codec: container.name)
        }
        defer { inflateEnd(&stream) }
        var output = DecodeOutput(expected: expectedSize, limit: limit, inputCount: input.count, codec: container.name)
        try input.withUnsafeBytes { src in
            stream.next_in = UnsafeMutablePointer(mutating: src.bindMemory(to: Bytef.self).baseAddress)
            stream.avail_in = uInt(src.count)
            while true {
                try output.reserve()
                var status: Int32 = Z_OK
                output.write { dst in
                    stream.next_out = dst.bindMemory(to: Bytef.self).baseAddress
                    stream.avail_out = uInt(min(dst.count, Int(UInt32.max)))
                    let before = stream.avail_out
                    status = inflate(&stream, Z_NO_FLUSH)
                    return Int(before - stream.avail_out)
                }
                if status == Z_STREAM_END {
                    let rest = Int(stream.avail_in)
                    // Another gzip member follows; trailing zero padding is ignored as Python does.
                    if container == .gzip, rest > 0, !src.suffix(rest).allSatisfy({ $0 == 0 }) {
                        guard inflateReset(&stream) == Z_OK else { throw ZarrError.corrupt("cannot reset inflate", codec: container.name) }
                        continue
                    }
                    return
                }
                if status == Z_BUF_ERROR, stream.avail_in == 0 {
                    throw ZarrError.corrupt("stream is truncated", codec: container.name)
                }
                guard status == Z_OK || status == Z_BUF_ERROR else {
                    let why = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                    throw ZarrError.corrupt("invalid \(container.name) data: \(why)", codec: container.name)
                }
            }
        }
        return try output.finish()
    }

    static func crc32(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        UInt32(CZarrZlib.crc32(0, bytes.bindMemory(to: Bytef.self).baseAddress, uInt(bytes.count)))
    }

    static func adler32(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        UInt32(CZarrZlib.adler32(1, bytes.bindMemory(to: Bytef.self).baseAddress, uInt(bytes.count)))
    }
}
