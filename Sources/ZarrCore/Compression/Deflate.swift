import CZarrDeflate

/// Whole-buffer DEFLATE decoding (RFC 1950 zlib, RFC 1952 gzip) through libdeflate, for chunks
/// whose decoded size is known: libdeflate needs all of the input and a bounded output buffer,
/// and is several times faster than zlib's streaming inflate there. Encoding stays with zlib.
enum Deflate {
    static var libraryVersion: String { String(cString: zarr_libdeflate_version()) }

    /// Decodes `input` into exactly `expectedSize` bytes, or returns nil when libdeflate cannot
    /// settle it: data it rejects, a stream that decodes to more (no space left) or to fewer bytes.
    /// The caller then decodes with zlib's streaming inflate, whose caps and messages apply.
    /// gzip members may be concatenated (NC-04, N5-09); zero padding after the last is ignored.
    static func decompress(_ input: [UInt8], container: Zlib.Container, expectedSize: Int) -> [UInt8]? {
        guard expectedSize > 0, let decompressor = libdeflate_alloc_decompressor() else { return nil }
        defer { libdeflate_free_decompressor(decompressor) }
        var complete = false
        let out = [UInt8](unsafeUninitializedCapacity: expectedSize) { buffer, initialized in
            initialized = 0
            input.withUnsafeBytes { src in
                var consumed = 0
                var produced = 0
                while true {
                    var inUsed = 0
                    var outUsed = 0
                    // Both ranges lie inside their buffers: consumed ≤ src.count, produced ≤ expectedSize.
                    let status: libdeflate_result
                    let next = src.baseAddress.map { $0 + consumed }
                    let room = buffer.baseAddress.map { UnsafeMutableRawPointer($0 + produced) }
                    switch container {
                    case .gzip:
                        status = libdeflate_gzip_decompress_ex(decompressor, next, src.count - consumed, room, expectedSize - produced, &inUsed, &outUsed)
                    case .zlib:
                        status = libdeflate_zlib_decompress_ex(decompressor, next, src.count - consumed, room, expectedSize - produced, &inUsed, &outUsed)
                    }
                    guard status == LIBDEFLATE_SUCCESS, inUsed > 0 else { return }
                    consumed += inUsed
                    produced += outUsed
                    let rest = src.count - consumed
                    // Another gzip member follows unless what is left is zero padding (as Python and zlib read it).
                    if container == .gzip, rest > 0, !src[consumed...].allSatisfy({ $0 == 0 }) { continue }
                    break
                }
                if produced == expectedSize {
                    complete = true
                    initialized = produced
                }
            }
        }
        return complete ? out : nil
    }
}
