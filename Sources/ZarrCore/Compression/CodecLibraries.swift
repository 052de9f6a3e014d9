/// The C libraries the codecs link, with the versions loaded at run time (for `--version`;
/// libdeflate and ISA-L have no run-time query: theirs are the headers' versions).
public enum CodecLibraries {
    public static var versions: [(name: String, version: String)] {
        [("zlib", Zlib.libraryVersion), ("zstd", Zstd.libraryVersion), ("c-blosc", Blosc.libraryVersion),
         ("lz4", LZ4.libraryVersion), ("bzip2", Bzip2.libraryVersion), ("liblzma", LZMA.libraryVersion),
         ("libdeflate", Deflate.libraryVersion), ("xxhash", XXHash32.libraryVersion), ("isa-l", ISAL.libraryVersion),
         ("zfp", Zfp.libraryVersion)]
    }
}
