import CZarrXXHash

/// XXH32 through the system libxxhash (the reference implementation), for N5's LZ4Block checksum.
enum XXHash32 {
    static var libraryVersion: String {
        let v = XXH_versionNumber()  // major * 10000 + minor * 100 + release
        return "\(v / 10_000).\(v / 100 % 100).\(v % 100)"
    }

    static func hash(_ data: UnsafeRawBufferPointer, seed: UInt32) -> UInt32 {
        // libxxhash reads `count` bytes from the pointer; an empty buffer may have no address.
        XXH32(data.baseAddress, data.count, seed)
    }
}
