import CZarrBlosc

/// Blosc 1 containers (BL-01…BL-07) through the system c-blosc; the `_ctx` calls are thread-safe.
enum Blosc {
    static var libraryVersion: String { String(cString: blosc_get_version_string()) }

    static let headerSize = 16
    static let maxRatio = 1 << 16

    static var compressors: [String] {
        String(cString: blosc_list_compressors()).split(separator: ",").map(String.init)
    }

    static func compress(_ input: [UInt8], cname: String, clevel: Int, shuffle: Int, typesize: Int, blocksize: Int) throws -> [UInt8] {
        guard compressors.contains(cname) else {
            throw ZarrError(.unsupported, "blosc compressor '\(cname)' is not in this libblosc (\(compressors.joined(separator: ", ")))", codec: "blosc")
        }
        var out = [UInt8](repeating: 0, count: input.count + Int(BLOSC_MAX_OVERHEAD))
        let n = input.withUnsafeBytes { src in
            out.withUnsafeMutableBytes { dst in
                blosc_compress_ctx(Int32(clevel), Int32(shuffle), min(max(typesize, 1), 255), src.count, src.baseAddress,
                                   dst.baseAddress, dst.count, cname, blocksize, 1)
            }
        }
        guard n > 0 else { throw ZarrError(.invalidArgument, "blosc compression failed (\(n))", codec: "blosc") }
        out.removeLast(out.count - Int(n))
        return out
    }

    /// The header is validated before anything is allocated (BL-01).
    static func decompress(_ input: [UInt8], expectedSize: Int?, limit: Int) throws -> [UInt8] {
        guard input.count >= headerSize else { throw ZarrError.corrupt("blosc data shorter than its 16-byte header", codec: "blosc") }
        var nbytes = 0
        let valid = input.withUnsafeBytes { blosc_cbuffer_validate($0.baseAddress, $0.count, &nbytes) }
        guard valid >= 0 else { throw ZarrError.corrupt("invalid blosc header", codec: "blosc") }
        let cbytes = Int(input[12]) | Int(input[13]) << 8 | Int(input[14]) << 16 | Int(input[15]) << 24
        guard cbytes == input.count else {
            throw ZarrError.corrupt("blosc header says \(cbytes) compressed bytes, the chunk has \(input.count)", codec: "blosc")
        }
        if let expectedSize, nbytes != expectedSize {
            throw ZarrError.corrupt("blosc header says \(nbytes) bytes, the chunk needs \(expectedSize)", codec: "blosc")
        }
        guard nbytes <= limit else { throw ZarrError.corrupt("blosc header claims \(nbytes) bytes, over the limit", codec: "blosc") }
        // Allocation follows what is stored: no codec inside blosc expands a stored byte into
        // more than 2^16 (zstd's run-length blocks come closest, near 2^15).
        guard nbytes <= input.count.multipliedReportingOverflow(by: Self.maxRatio).partialValue else {
            throw ZarrError.corrupt("blosc header claims \(nbytes) bytes from \(input.count) stored, more than any blosc codec expands to", codec: "blosc")
        }
        var out = [UInt8](repeating: 0, count: nbytes)
        let n = input.withUnsafeBytes { src in
            out.withUnsafeMutableBytes { dst in blosc_decompress_ctx(src.baseAddress, dst.baseAddress, dst.count, 1) }
        }
        guard n == nbytes || (n == 0 && nbytes == 0) else { throw ZarrError.corrupt("blosc decompression failed (\(n))", codec: "blosc") }
        return out
    }
}
