import CZarrZstd
import Foundation

/// Zstandard (RFC 8878) through the system libzstd.
enum Zstd {
    static var libraryVersion: String { String(cString: ZSTD_versionString()) }

    static func compress(_ input: [UInt8], level: Int, checksum: Bool) throws -> [UInt8] {
        let cctx = try Context.compression()
        ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, Int32(clamping: level))
        ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, checksum ? 1 : 0)
        var n = 0
        // Written by zstd before it is read: no zero fill of the bound.
        let out = [UInt8](unsafeUninitializedCapacity: ZSTD_compressBound(input.count)) { dst, count in
            n = input.withUnsafeBytes { src in ZSTD_compress2(cctx, dst.baseAddress, dst.count, src.baseAddress, src.count) }
            count = ZSTD_isError(n) == 0 ? n : 0
        }
        guard ZSTD_isError(n) == 0 else { throw ZarrError(.invalidArgument, String(cString: ZSTD_getErrorName(n)), codec: "zstd") }
        return out
    }

    /// Streaming decode: frames without a content size and concatenated frames both work (NC-02).
    static func decompress(_ input: [UInt8], expectedSize: Int?, limit: Int) throws -> [UInt8] {
        let dctx = try Context.decompression()
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

    /// One compression and one decompression context per thread, reset and reused for every
    /// chunk: creating a context per chunk took 30 % of the cycles on small chunks.
    final class Context {
        let pointer: OpaquePointer
        let free: (OpaquePointer) -> Void
        init(_ pointer: OpaquePointer, free: @escaping (OpaquePointer) -> Void) { (self.pointer, self.free) = (pointer, free) }
        deinit { free(pointer) }

        static func decompression() throws -> OpaquePointer {
            try cached("zarr-conformance.zstd.d", make: { ZSTD_createDCtx() }, free: { ZSTD_freeDCtx($0) }, reset: { ZSTD_DCtx_reset($0, ZSTD_reset_session_and_parameters) })
        }

        static func compression() throws -> OpaquePointer {
            try cached("zarr-conformance.zstd.c", make: { ZSTD_createCCtx() }, free: { ZSTD_freeCCtx($0) }, reset: { ZSTD_CCtx_reset($0, ZSTD_reset_session_and_parameters) })
        }

        private static func cached(_ key: String, make: () -> OpaquePointer?, free: @escaping (OpaquePointer) -> Void, reset: (OpaquePointer) -> Int) throws -> OpaquePointer {
            if let context = Thread.current.threadDictionary[key] as? Context {
                _ = reset(context.pointer)
                return context.pointer
            }
            guard let pointer = make() else { throw ZarrError(.storage, "out of memory", codec: "zstd") }
            Thread.current.threadDictionary[key] = Context(pointer, free: free)
            return pointer
        }
    }
}
