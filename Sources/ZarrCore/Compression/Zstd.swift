import CZarrZstd

/// Zstandard (RFC 8878) through the system libzstd.
enum Zstd {
    static var libraryVersion: String { String(cString: ZSTD_versionString()) }

    static func compress(_ input: [UInt8], level: Int, checksum: Bool) throws -> [UInt8] {
        guard let cctx = ZSTD_createCCtx() else { throw ZarrError(.storage, "out of memory", codec: "zstd") }
        defer { ZSTD_freeCCtx(cctx) }
        ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, Int32(clamping: level))
        ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, checksum ? 1 : 0)
        var out = [UInt8](repeating: 0, count: ZSTD_compressBound(input.count))
        let n = input.withUnsafeBytes { src in
            out.withUnsafeMutableBytes { dst in ZSTD_compress2(cctx, dst.baseAddress, dst.count, src.baseAddress, src.count) }
        }
        guard ZSTD_isError(n) == 0 else { throw ZarrError(.invalidArgument, String(cString: ZSTD_getErrorName(n)), codec: "zstd") }
        out.removeLast(out.count - n)
        return out
    }

    /// Streaming decode: frames without a content size and concatenated frames both work (NC-02).
    static func decompress(_ input: [UInt8], expectedSize: Int?, limit: Int) throws -> [UInt8] {
        guard let dctx = ZSTD_createDCtx() else { throw ZarrError(.storage, "out of memory", codec: "zstd") }
        defer { ZSTD_freeDCtx(dctx) }
        var output = DecodeOutput(expected: expectedSize, limit: limit, inputCount: input.count, codec: "zstd")
        var last = 0
        try input.withUnsafeBytes { src in
            var inBuf = ZSTD_inBuffer(src: src.baseAddress, size: src.count, pos: 0)
            while inBuf.pos < inBuf.size || last > 0 {
                try output.reserve()
                let before = inBuf.pos
                var produced = 0
                try output.write { dst in
                    var outBuf = ZSTD_outBuffer(dst: dst.baseAddress, size: dst.count, pos: 0)
                    last = ZSTD_decompressStream(dctx, &outBuf, &inBuf)
                    if ZSTD_isError(last) != 0 {
                        throw ZarrError.corrupt("invalid zstd data: \(String(cString: ZSTD_getErrorName(last)))", codec: "zstd",
                                                problem: ZSTD_getErrorCode(last) == ZSTD_error_checksum_wrong ? .checksumMismatch : .general)
                    }
                    produced = outBuf.pos
                    return outBuf.pos
                }
                if produced == 0, inBuf.pos == before, last > 0, inBuf.pos == inBuf.size {
                    throw ZarrError.corrupt("zstd frame is truncated", codec: "zstd")
                }
            }
        }
        if input.isEmpty { throw ZarrError.corrupt("empty zstd data", codec: "zstd") }
        return try output.finish()
    }
}
