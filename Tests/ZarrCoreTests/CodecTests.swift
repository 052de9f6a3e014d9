import XCTest
@testable import ZarrCore

final class CodecTests: XCTestCase {
    let sample: [UInt8] = (0..<5000).map { UInt8(truncatingIfNeeded: ($0 * 7) % 251 + ($0 / 100)) }

    var compressors: [any BytesToBytesCodec] {
        get throws {
            [try GzipCodec(level: 5), try ZlibCodec(level: 1), ZstdCodec(level: 3, checksum: true),
             try BloscCodec(cname: "zstd", clevel: 5, shuffle: 2, typesize: 4), try BloscCodec(cname: "lz4", shuffle: 1, typesize: 8),
             try Bz2Codec(level: 9), LZ4Codec(acceleration: 1),
             try LZMACodec(CodecConfiguration(codec: "lzma", object: JSONObject([("format", 1)]))),
             try LZMACodec(CodecConfiguration(codec: "lzma", object: JSONObject([("format", 2), ("preset", 1)]))),
             try LZMACodec(CodecConfiguration(codec: "lzma", object: JSONObject([("format", 3), ("filters", [["id": 33, "preset": 1]])]))),
             ShuffleCodec(elementSize: 4), ChecksumCodec(.fletcher32), ChecksumCodec(.jenkinsLookup3)]
        }
    }

    func testEveryCompressorRoundTrips() throws {
        for codec in try compressors {
            let encoded = try codec.encode(sample)
            XCTAssertEqual(try codec.decode(encoded, expectedSize: sample.count, limit: 1 << 20), sample, codec.name)
            XCTAssertEqual(try codec.decode(encoded, expectedSize: nil, limit: 1 << 20), sample, codec.name)
        }
    }

    func testWrongDecodedSizeIsCorruptData() throws {
        // A decoded chunk must be exactly its expected size.
        for codec in try compressors {
            let encoded = try codec.encode(sample)
            XCTAssertThrowsError(try codec.decode(encoded, expectedSize: sample.count - 1, limit: 1 << 20), codec.name) {
                XCTAssertEqual(($0 as? ZarrError)?.kind, .corruptData, codec.name)
            }
        }
    }

    func testDecompressionBombStopsAtTheCap() throws {
        // 64 MiB of zeros compress to a few KiB; decoding with a 1 MiB cap must fail without producing it all.
        let zeros = [UInt8](repeating: 0, count: 64 << 20)
        for codec in [try GzipCodec(level: 9) as any BytesToBytesCodec, ZstdCodec(level: 1), try Bz2Codec(level: 9)] {
            let bomb = try codec.encode(zeros)
            XCTAssertLessThan(bomb.count, 1 << 20)
            XCTAssertThrowsError(try codec.decode(bomb, expectedSize: nil, limit: 1 << 20), codec.name) {
                XCTAssertTrue("\($0)".contains("more than"), "\($0)")
            }
        }
    }

    func testTruncatedAndGarbageStreamsFail() throws {
        for codec in try compressors where !(codec is ShuffleCodec) {
            let encoded = try codec.encode(sample)
            XCTAssertThrowsError(try codec.decode(Array(encoded.prefix(encoded.count / 2)), expectedSize: sample.count, limit: 1 << 20), codec.name)
            XCTAssertThrowsError(try codec.decode([], expectedSize: sample.count, limit: 1 << 20), codec.name)
        }
    }

    func testGzipMultiMemberAndZstdConcatenatedFrames() throws {
        // NC-04 / E-53 and NC-02 / E-52: concatenations decode to the concatenated payloads.
        let a = Array(sample.prefix(1000)), b = Array(sample.suffix(700))
        let gzip = try GzipCodec(level: 1)
        XCTAssertEqual(try gzip.decode(try gzip.encode(a) + gzip.encode(b), expectedSize: 1700, limit: 1 << 20), a + b)
        let zstd = ZstdCodec(level: 1)
        XCTAssertEqual(try zstd.decode(try zstd.encode(a) + zstd.encode(b), expectedSize: 1700, limit: 1 << 20), a + b)
    }

    func testGzipWholeBufferDecodeAndStreamingFallback() throws {
        // NC-04 / N5-09 / E-53: with the decoded size known, libdeflate decodes the whole buffer —
        // members concatenated (an empty one too), zero padding after the last ignored. What it
        // cannot settle goes to zlib's streaming inflate and its caps: no size, a stream longer or
        // shorter than announced, a size no stream of this length can reach, corrupt data.
        let a = Array(sample.prefix(1000)), b = Array(sample.suffix(700))
        let gzip = try GzipCodec(level: 5)
        let members = try gzip.encode(a) + gzip.encode([]) + gzip.encode(b) + [0, 0, 0, 0]
        XCTAssertEqual(Deflate.decompress(members, container: .gzip, expectedSize: 1700), a + b)
        XCTAssertEqual(try gzip.decode(members, expectedSize: 1700, limit: 1 << 20), a + b)
        XCTAssertEqual(try gzip.decode(members, expectedSize: nil, limit: 1 << 20), a + b)
        XCTAssertNil(Deflate.decompress(members, container: .gzip, expectedSize: 1699))
        XCTAssertThrowsError(try gzip.decode(members, expectedSize: 1699, limit: 1 << 20)) {
            XCTAssertTrue("\($0)".contains("more than the expected 1699 bytes"), "\($0)")
        }
        XCTAssertNil(Deflate.decompress(members, container: .gzip, expectedSize: 1701))
        XCTAssertThrowsError(try gzip.decode(members, expectedSize: 1701, limit: 1 << 20)) {
            XCTAssertTrue("\($0)".contains("decodes to 1700 bytes where exactly 1701 are expected"), "\($0)")
        }
        // A chunk claiming 4 GiB from a few dozen bytes: an error, never a 4 GiB buffer.
        XCTAssertThrowsError(try gzip.decode(try gzip.encode([1, 2, 3]), expectedSize: 1 << 32, limit: Int.max)) {
            XCTAssertTrue("\($0)".contains("where exactly 4294967296 are expected"), "\($0)")
        }
        var corrupt = try gzip.encode(a)
        corrupt[corrupt.count / 2] ^= 0xFF
        XCTAssertNil(Deflate.decompress(corrupt, container: .gzip, expectedSize: 1000))
        XCTAssertThrowsError(try gzip.decode(corrupt, expectedSize: 1000, limit: 1 << 20)) { XCTAssertEqual(($0 as? ZarrError)?.kind, .corruptData) }
        // zlib (RFC 1950) takes the same path; one stream, as zlib reads it.
        let zlib = try ZlibCodec(level: 9)
        let stream = try zlib.encode(a)
        XCTAssertEqual(Deflate.decompress(stream, container: .zlib, expectedSize: 1000), a)
        XCTAssertEqual(try zlib.decode(stream, expectedSize: 1000, limit: 1 << 20), a)
        XCTAssertThrowsError(try zlib.decode(stream, expectedSize: 999, limit: 1 << 20))
    }

    func testZstdFrameWithoutContentSize() throws {
        // NC-02: a streaming frame (header byte 0x00: no content size, no checksum), hand-built:
        // magic, frame header descriptor 0x00, window descriptor, one raw last block of 3 bytes.
        let frame: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD, 0x00, 0x00, 0x19, 0x00, 0x00, 0x61, 0x62, 0x63]
        XCTAssertEqual(try ZstdCodec().decode(frame, expectedSize: 3, limit: 100), Array("abc".utf8))
    }

    func testZlibHeaderIsNotGzip() throws {
        // E-53: a zlib stream handed to gzip (and the reverse) must fail.
        let zlib = try ZlibCodec(level: 1).encode(sample)
        XCTAssertThrowsError(try GzipCodec().decode(zlib, expectedSize: sample.count, limit: 1 << 20))
        let gz = try GzipCodec().encode(sample)
        XCTAssertThrowsError(try ZlibCodec().decode(gz, expectedSize: sample.count, limit: 1 << 20))
    }

    func testBloscHeaderLiesAreRefusedBeforeAllocating() throws {
        var blosc = try BloscCodec(cname: "lz4", typesize: 4).encode(sample)
        blosc[4] = 0xFF; blosc[5] = 0xFF; blosc[6] = 0xFF; blosc[7] = 0x7F  // nbytes ~ 2 GiB
        XCTAssertThrowsError(try BloscCodec().decode(blosc, expectedSize: sample.count, limit: 1 << 20))
        XCTAssertThrowsError(try BloscCodec().decode(blosc, expectedSize: nil, limit: 1 << 20))
    }

    func testLZ4SizeHeaderLie() throws {
        var lz4 = try LZ4Codec().encode(sample)
        lz4[0] &+= 1
        XCTAssertThrowsError(try LZ4Codec().decode(lz4, expectedSize: nil, limit: 1 << 20)) {
            XCTAssertEqual(($0 as? ZarrError)?.kind, .corruptData)
        }
    }

    func testPackBitsPublishedVector() throws {
        // TV-05 / NC-12: [T, F, F, T] packs to 04 90.
        let rep = ChunkRepresentation(shape: [4], dataType: .bool, fillValue: FillValue(bytes: [0]))
        XCTAssertEqual(try PackBitsV2Codec().encode(.fixed([1, 0, 0, 1]), rep), [0x04, 0x90])
        XCTAssertEqual(try PackBitsV2Codec().decode([0x04, 0x90], rep), .fixed([1, 0, 0, 1]))
        // E-61: padding byte values for 1, 7, 8 and 9 booleans.
        for (n, pad) in [(1, 7), (7, 1), (8, 0), (9, 7)] {
            let r = ChunkRepresentation(shape: [n], dataType: .bool, fillValue: FillValue(bytes: [0]))
            XCTAssertEqual(try PackBitsV2Codec().encode(.fixed([UInt8](repeating: 1, count: n)), r).first, UInt8(pad))
        }
    }

    func testVLenUTF8LayoutAndTruncation() throws {
        // NC-16: u32 count, then u32 length + bytes per item.
        let rep = ChunkRepresentation(shape: [2], dataType: .string, fillValue: FillValue(bytes: []))
        let encoded = try VLenCodec(kind: .utf8).encode(.variable([Array("é".utf8), []]), rep)
        XCTAssertEqual(encoded, [2, 0, 0, 0, 2, 0, 0, 0, 0xC3, 0xA9, 0, 0, 0, 0])
        XCTAssertThrowsError(try VLenCodec(kind: .utf8).decode(Array(encoded.dropLast(5)), rep))
        XCTAssertThrowsError(try VLenCodec(kind: .utf8).decode([1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0x7F], ChunkRepresentation(shape: [1], dataType: .string, fillValue: FillValue(bytes: []))))
    }

    func testTransposeMatchesFortranOrder() throws {
        // V2-17 / TR-02: a 2x3 C-order array in F order is its transpose in memory.
        let rep = ChunkRepresentation(shape: [2, 3], dataType: .uint(bits: 8), fillValue: FillValue(bytes: [0]))
        let f = TransposeCodec.fortran(rank: 2)
        XCTAssertEqual(try f.encode(.fixed([0, 1, 2, 3, 4, 5]), rep), .fixed([0, 3, 1, 4, 2, 5]))
        XCTAssertEqual(try f.decode(.fixed([0, 3, 1, 4, 2, 5]), rep), .fixed([0, 1, 2, 3, 4, 5]))
        XCTAssertThrowsError(try TransposeCodec(order: [0, 0]))  // E-35
    }

    func testUnknownAndPickleCodecsAreClearErrors() {
        let context = CodecContext(dataType: .int(bits: 32), itemSize: 4)
        XCTAssertThrowsError(try CodecRegistry.standard.translate(v2: ["id": "pickle"], context: context)) {
            XCTAssertEqual(($0 as? ZarrError)?.kind, .unsupported)
            XCTAssertEqual(($0 as? ZarrError)?.problem, .refusedCodec)  // NC-25
            XCTAssertEqual(($0 as? ZarrError)?.codec, "pickle")
        }
        XCTAssertThrowsError(try CodecRegistry.standard.translate(v2: ["id": "frobnicate"], context: context)) {
            XCTAssertEqual(($0 as? ZarrError)?.problem, .unknownCodec)  // NC-26
            XCTAssertEqual(($0 as? ZarrError)?.codec, "frobnicate")
        }
    }

    func testDeltaWrapsLikeNumPy() throws {
        // E-59: uint16 [65535, 0, 1] has differences [65535, 1, 1] (0 - 65535 wraps to 1).
        let codec = try DeltaCodec(CodecConfiguration(codec: "delta", object: JSONObject([("dtype", "<u2")])))
        let rep = ChunkRepresentation(shape: [3], dataType: .uint(bits: 16), fillValue: FillValue(bytes: [0, 0]))
        let encoded = try codec.encode(.fixed([0xFF, 0xFF, 0, 0, 1, 0]), rep)
        XCTAssertEqual(encoded, .fixed([0xFF, 0xFF, 1, 0, 1, 0]))
        XCTAssertEqual(try codec.decode(encoded, rep), .fixed([0xFF, 0xFF, 0, 0, 1, 0]))
    }

    func testFixedScaleOffsetRoundsHalfToEven() throws {
        // NC-09: 0.5 → 0, 1.5 → 2, 2.5 → 2, -0.5 → -0.
        let codec = try FixedScaleOffsetCodec(CodecConfiguration(codec: "fixedscaleoffset", object: JSONObject([
            ("offset", 0), ("scale", 1), ("dtype", "<f8"), ("astype", "|i1")])))
        let values: [Double] = [0.5, 1.5, 2.5, -0.5, -1.5]
        let input = values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
        let rep = ChunkRepresentation(shape: [5], dataType: .float(bits: 64), fillValue: .zero(for: .float(bits: 64)))
        XCTAssertEqual(try codec.encode(.fixed(input), rep), .fixed([0, 2, 2, 0, 0xFE]))
    }
}

extension CodecTests {
    func testEveryBloscCompressorInTheLibrary() throws {
        // NC-01 / E-51: every cname libblosc was built with round-trips at every shuffle.
        XCTAssertTrue(Set(Blosc.compressors).isSuperset(of: ["blosclz", "lz4", "lz4hc", "zlib", "zstd"]), "\(Blosc.compressors)")
        for cname in Blosc.compressors {
            for shuffle in [-1, 0, 1, 2] {
                let codec = try BloscCodec(cname: cname, clevel: 5, shuffle: shuffle, typesize: 4)
                XCTAssertEqual(try codec.decode(try codec.encode(sample), expectedSize: sample.count, limit: 1 << 20), sample, "\(cname) \(shuffle)")
            }
        }
        // A cname the library lacks is a clean error, not a crash.
        if !Blosc.compressors.contains("snappy") {
            XCTAssertThrowsError(try BloscCodec(cname: "snappy").encode(sample)) { XCTAssertEqual(($0 as? ZarrError)?.kind, .unsupported) }
        }
    }
}
