import CZarrISAL

/// CRC-32C (Castagnoli, RFC 3720; the v3 `crc32c` codec, CC-02, and numcodecs' crc32c, NC-22)
/// through Intel ISA-L's `crc32_iscsi`, which picks its fastest path for the CPU at run time.
///
/// `crc32_iscsi` takes and returns the bare CRC register, without the standard inversions: the
/// CRC-32C of a buffer is `~crc32_iscsi(buffer, length, ~0)` (checked against TV-06,
/// CRC-32C("123456789") = 0xE3069283, and the committed crc32c fixtures). The caller stores the
/// result little-endian.
enum ISAL {
    static var libraryVersion: String { String(cString: zarr_isal_version()) }

    static func crc32c(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return 0 }
        // crc32_iscsi's length is an Int32: longer buffers go through in pieces, carrying the register.
        let piece = 1 << 30
        var register: UInt32 = 0xFFFF_FFFF
        var offset = 0
        while offset < bytes.count {
            let n = min(piece, bytes.count - offset)
            // ISA-L declares the buffer non-const but only reads it; `n` bytes from `offset` lie inside `bytes`.
            register = crc32_iscsi(UnsafeMutablePointer(mutating: (base + offset).assumingMemoryBound(to: UInt8.self)), Int32(n), register)
            offset += n
        }
        return ~register
    }
}
