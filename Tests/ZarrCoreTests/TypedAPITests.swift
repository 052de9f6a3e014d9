import XCTest
@testable import ZarrCore

/// The typed API on top of raw bytes: create, write and read Swift values, attributes.
final class TypedAPITests: XCTestCase {
    func testWriteAndReadFloatsWithASelection() throws {
        let store = MemoryStore()
        let array = try ZarrArray.create(store: store, path: "t", shape: [4, 6], chunks: [2, 4], dataType: "float32",
                                         compressors: [["name": "zstd", "configuration": ["level": 3]]], attributes: ["units": "K"])
        let values = try ShapedArray(shape: [4, 6], values: (0..<24).map { Float($0) / 4 })
        try array.write(values)
        XCTAssertEqual(try array.read(as: Float.self), values)
        let block = try array.read(as: Float.self, [Slice(1, 3), Slice(2, 6, step: 2)])
        XCTAssertEqual(block.shape, [2, 2])
        XCTAssertEqual(block.values, [8, 10, 14, 16].map { Float($0) / 4 }, "rows 1–2, columns 2 and 4")
        XCTAssertEqual(block[1, 0], 3.5)
        // The stored bytes are what another reader sees: little-endian float32 (BY-01), here through zstd.
        let chunk = try XCTUnwrap(try store.get("t/c/0/0"))
        XCTAssertEqual(Array(try Zstd.decompress(chunk, expectedSize: 32, limit: 32).prefix(8)), [0, 0, 0, 0, 0, 0, 0x80, 0x3E], "0.0 and 0.25")
        XCTAssertEqual(try array.attributes["units"], "K")
        XCTAssertThrowsError(try array.read(as: Int32.self), "the type must be the array's")
        XCTAssertThrowsError(try array.write(try ShapedArray(shape: [2], values: [Float(1), 2]), [Slice(0, 1), Slice(0, 2)]))
    }

    func testAttributesInEveryFormat() throws {
        let store = MemoryStore()
        let v3 = try ZarrArray.create(store: store, path: "a", shape: [2], chunks: [2], dataType: "int16")
        let updated = try v3.setAttributes(["long_name": "height", "valid": [0, 10]])
        XCTAssertEqual(try ZarrArray.open(store: store, path: "a").attributes, ["long_name": "height", "valid": [0, 10]])
        XCTAssertEqual(try updated.attributes["long_name"], "height")
        let group = try ZarrGroup.create(store: store, path: "g", format: .v2)
        try group.setAttributes(["title": "survey"])
        XCTAssertEqual(try store.getJSON("g/.zattrs"), ["title": "survey"])
        XCTAssertEqual(try ZarrGroup.open(store: store, path: "g").attributes["title"], "survey")
    }

    func testBoolsAndIntegers() throws {
        let store = MemoryStore()
        let flags = try ZarrArray.create(store: store, path: "f", shape: [5], chunks: [2], dataType: "bool", fillValue: false)
        try flags.write(try ShapedArray(shape: [5], values: [true, false, true, true, false]))
        XCTAssertEqual(try store.get("f/c/0"), [1, 0], "bools are stored as 0/1 bytes")
        XCTAssertEqual(try flags.read(as: Bool.self).values, [true, false, true, true, false])
        let counts = try ZarrArray.create(store: store, path: "n", shape: [3], chunks: [3], dataType: "int64", fillValue: -1)
        XCTAssertEqual(try counts.read(as: Int64.self).values, [-1, -1, -1], "never written: the fill value")
    }
}
