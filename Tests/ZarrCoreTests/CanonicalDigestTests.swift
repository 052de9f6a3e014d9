import XCTest
@testable import ZarrCore

/// The digest definition, checked on its layout rules and on the standard SHA-256 vectors.
final class CanonicalDigestTests: XCTestCase {
    func testStandardSHA256Vectors() {
        // FIPS 180-2 examples.
        XCTAssertEqual(CanonicalDigest.of(.fixed(Array("abc".utf8))), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(CanonicalDigest.of(.fixed([])), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    func testVariableLengthElementsAreLengthPrefixed() {
        // "ab", "" → 02 00 00 00 'a' 'b' 00 00 00 00.
        XCTAssertEqual(CanonicalDigest.of(.variable([Array("ab".utf8), []])), CanonicalDigest.of(.fixed([2, 0, 0, 0, 0x61, 0x62, 0, 0, 0, 0])))
    }

    func testBigEndianStorageDigestsAsLittleEndian() throws {
        // An array stored as >i4 and one stored as <i4 with the same values have one digest.
        var digests: [String] = []
        for dtype in [">i4", "<i4"] {
            let store = MemoryStore()
            let meta = ArrayMetadataV2(shape: [3], chunks: [2], dtype: try V2DataType.parse(.string(dtype)))
            let a = try ZarrArray.create(store: store, path: "", metadata: meta)
            try a.write(.fixed([1, 0, 0, 0, 0, 1, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF]))
            if dtype == ">i4" { XCTAssertEqual(try store.get("0"), [0, 0, 0, 1, 0, 0, 1, 0]) }
            digests.append(try CanonicalDigest.compute(a).sha256)
        }
        XCTAssertEqual(digests[0], digests[1])
        XCTAssertEqual(digests[0], CanonicalDigest.of(.fixed([1, 0, 0, 0, 0, 1, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF])))
    }

    func testUnicodeIsUTF32LittleEndian() throws {
        // >U1 holding "é" is stored 00 00 00 E9 and digests as E9 00 00 00.
        let store = MemoryStore()
        try store.set(".zarray", Array(#"{"zarr_format":2,"shape":[1],"chunks":[1],"dtype":">U1","compressor":null,"fill_value":"","order":"C","filters":null}"#.utf8))
        try store.set("0", [0, 0, 0, 0xE9])
        XCTAssertEqual(try CanonicalDigest.compute(try ZarrArray.open(store: store)).sha256, CanonicalDigest.of(.fixed([0xE9, 0, 0, 0])))
    }

    func testMissingChunksDigestAsTheFillValue() throws {
        let store = MemoryStore()
        let meta = ArrayMetadataV2(shape: [4], chunks: [2], dtype: try V2DataType.parse("|u1"), fillValue: FillValue(bytes: [9]))
        let a = try ZarrArray.create(store: store, path: "", metadata: meta)
        XCTAssertEqual(try CanonicalDigest.compute(a).sha256, CanonicalDigest.of(.fixed([9, 9, 9, 9])))
        XCTAssertEqual(try CanonicalDigest.compute(a).elementCount, 4)
    }
}
