import XCTest
@testable import ZarrCore

final class V3MetadataTests: XCTestCase {
    func array(_ change: (inout JSONObject) -> Void = { _ in }) throws -> ArrayMetadataV3 {
        var o = try JSON.parse(#"{"zarr_format":3,"node_type":"array","shape":[4,6],"data_type":"int32","chunk_grid":{"name":"regular","configuration":{"chunk_shape":[2,3]}},"chunk_key_encoding":{"name":"default"},"fill_value":0,"codecs":[{"name":"bytes","configuration":{"endian":"little"}}]}"#).objectValue!
        change(&o)
        let meta = try ArrayMetadataV3.parse(.object(o))
        _ = try meta.codecChain()
        return meta
    }

    func assertRefused(_ change: (inout JSONObject) -> Void, _ needle: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try array(change), file: file, line: line) { error in
            XCTAssertNotNil(error as? ZarrError, file: file, line: line)
            XCTAssertTrue("\(error)".contains(needle), "\(error) lacks '\(needle)'", file: file, line: line)
        }
    }

    func testUnknownMembersNeedMustUnderstandFalse() throws {
        // V3-44 / E-70.
        assertRefused({ $0["extra"] = 1 }, "unknown member 'extra'")
        XCTAssertNoThrow(try array { $0["extra"] = ["must_understand": false, "x": 1] })
    }

    func testStorageTransformers() throws {
        // V3-19 / V3-90 / E-73.
        XCTAssertNoThrow(try array { $0["storage_transformers"] = [] })
        assertRefused({ $0["storage_transformers"] = [["name": "caching"]] }, "'caching'")
    }

    func testDimensionNames() throws {
        // V3-20 / E-72: nulls and duplicates allowed, the length must match.
        XCTAssertEqual(try array { $0["dimension_names"] = ["x", nil] }.dimensionNames, ["x", nil])
        XCTAssertNoThrow(try array { $0["dimension_names"] = ["x", "x"] })
        assertRefused({ $0["dimension_names"] = ["x"] }, "dimension_names")
    }

    func testShortHandNamesAndObjectDataTypes() throws {
        // E-71 (and E-31: a one-byte type may omit endian).
        XCTAssertNoThrow(try array { $0["codecs"] = ["bytes", "crc32c"]; $0["data_type"] = "uint8" })
        XCTAssertEqual(try array { $0["data_type"] = ["name": "float64"]; $0["fill_value"] = "NaN" }.dataType.dataType, .float(bits: 64))
        assertRefused({ $0["codecs"] = ["bytes"] }, "endian")
        assertRefused({ $0["data_type"] = ["name": "int32", "must_understand": false] }, "V3-45")
        assertRefused({ $0["chunk_grid"] = ["name": "regular", "must_understand": false, "configuration": ["chunk_shape": [2, 3]]] }, "V3-45")
    }

    func testCodecChainRules() throws {
        // E-68: none or two array→bytes codecs; E-35: bad transpose; E-69: unknown optional codec is skipped.
        assertRefused({ $0["codecs"] = [["name": "gzip", "configuration": ["level": 1]]] }, "array→bytes")
        assertRefused({ $0["codecs"] = [["name": "bytes", "configuration": ["endian": "little"]], ["name": "bytes", "configuration": ["endian": "big"]]] }, "two array→bytes")
        assertRefused({ $0["codecs"] = [["name": "transpose", "configuration": ["order": [0, 0]]], ["name": "bytes", "configuration": ["endian": "little"]]] }, "permutation")
        assertRefused({ $0["codecs"] = [["name": "transpose", "configuration": ["order": "F"]], ["name": "bytes", "configuration": ["endian": "little"]]] }, "TR-03")
        assertRefused({ $0["codecs"] = [["name": "bytes", "configuration": ["endian": "little"]], ["name": "nope"]] }, "codec 'nope' is not registered in zarr-extensions")
        let skipped = try array { $0["codecs"] = [["name": "bytes", "configuration": ["endian": "little"]], ["name": "nope", "must_understand": false]] }
        XCTAssertEqual(try skipped.codecChain().codecs.map(\.name), ["bytes"])
    }

    func testNodeTypeAndFormat() {
        // E-74.
        assertRefused({ $0["node_type"] = "group" }, "node_type")
        assertRefused({ $0["zarr_format"] = 2 }, "zarr_format")
    }

    func fill(_ json: JSON, _ type: JSON) throws -> [UInt8] {
        try FillValue.parseV3(json, type: try V3DataType.parse(type)).bytes
    }

    func testIntegerFills() throws {
        // V3-53 / E-21 / E-22.
        XCTAssertEqual(try fill(.number("18446744073709551615"), "uint64"), [UInt8](repeating: 0xFF, count: 8))
        XCTAssertEqual(try fill(.number("-9223372036854775808"), "int64"), [0, 0, 0, 0, 0, 0, 0, 0x80])
        for (bad, type): (JSON, JSON) in [(.number("1.0"), "int32"), (.number("1e2"), "int32"), (256, "uint8"), (-1, "uint16"), (8, "int4")] {
            XCTAssertThrowsError(try fill(bad, type), "\(bad.serialized()) as \(type.serialized())")
        }
    }

    func testFloatFills() throws {
        // E-18 / E-19 / E-20 / V3-55.
        XCTAssertEqual(try fill("0x7fc00001", "float32"), [0x01, 0x00, 0xC0, 0x7F])
        XCTAssertEqual(try fill("0x7ff0000000000001", "float64"), [1, 0, 0, 0, 0, 0, 0xF0, 0x7F])
        XCTAssertEqual(try fill("0x3f800000", "float32"), [0, 0, 0x80, 0x3F])
        XCTAssertEqual(try fill("0x80000000", "float32"), [0, 0, 0, 0x80])
        XCTAssertEqual(try fill(.number("0.1"), "float16"), [0x66, 0x2E])  // 0x2E66 is the nearest half to 0.1
        XCTAssertEqual(try fill("NaN", "float16"), [0x00, 0x7E])
        XCTAssertEqual(try fill("NaN", "bfloat16"), [0xC0, 0x7F])
        XCTAssertEqual(try fill(["NaN", "-Infinity"], "complex64"), [0, 0, 0xC0, 0x7F, 0, 0, 0x80, 0xFF])  // E-23
        XCTAssertThrowsError(try fill("0x7fc0", "float32"))  // wrong digit count
        XCTAssertThrowsError(try fill("NaN", "float4_e2m1fn"))  // EX-D03
        // Hex NaN payloads survive the round trip, the canonical NaN is written "NaN".
        let type = try V3DataType.parse("float32")
        XCTAssertEqual(FillValue(bytes: [0x01, 0x00, 0xC0, 0x7F]).v3JSON(type: type), "0x7fc00001")
        XCTAssertEqual(FillValue(bytes: [0x00, 0x00, 0xC0, 0x7F]).v3JSON(type: type), "NaN")
    }

    func testOtherFills() throws {
        XCTAssertEqual(try fill("ab", ["name": "fixed_length_utf32", "configuration": ["length_bytes": 12]]), [0x61, 0, 0, 0, 0x62, 0, 0, 0, 0, 0, 0, 0])
        XCTAssertEqual(try fill("", ["name": "fixed_length_utf32", "configuration": ["length_bytes": 8]]), [UInt8](repeating: 0, count: 8))  // E-26
        XCTAssertThrowsError(try fill("abc", ["name": "fixed_length_utf32", "configuration": ["length_bytes": 8]]))
        XCTAssertEqual(try fill([0, 255], "r16"), [0, 255])  // E-28 / AM-01
        XCTAssertEqual(try fill("AQID", "bytes"), [1, 2, 3])  // EX-D08
        XCTAssertEqual(try fill([1, 2, 3], "bytes"), [1, 2, 3])
        XCTAssertEqual(try fill("NaT", ["name": "numpy.datetime64", "configuration": ["unit": "s", "scale_factor": 1]]), [0, 0, 0, 0, 0, 0, 0, 0x80])
        let point: JSON = ["name": "struct", "configuration": ["fields": [["name": "x", "data_type": "int16"], ["name": "inner", "data_type": ["name": "struct", "configuration": ["fields": [["name": "y", "data_type": "uint8"]]]]]]]]
        XCTAssertEqual(try fill(["x": -2, "inner": ["y": 7]], point), [0xFE, 0xFF, 7])  // E-27: nested works
        XCTAssertThrowsError(try fill(["x": 1], point))  // a missing field is refused
        XCTAssertThrowsError(try V3DataType.parse(["name": "struct", "configuration": ["fields": [["name": "a", "data_type": "int8"], ["name": "a", "data_type": "int8"]]]]))
    }

    func testGroupsAndConsolidatedMetadata() throws {
        // CM-09 / E-89: null is absent; an unknown kind is refused.
        XCTAssertNil(try GroupMetadataV3.parse(try JSON.parse(#"{"zarr_format":3,"node_type":"group","consolidated_metadata":null}"#)).consolidated)
        XCTAssertThrowsError(try GroupMetadataV3.parse(try JSON.parse(#"{"zarr_format":3,"node_type":"group","consolidated_metadata":{"kind":"remote","must_understand":false,"metadata":{}}}"#)))
        // E-88: three levels written, read back through the consolidated view, sorted by depth.
        let store = MemoryStore()
        let meta = try array()
        try ZarrArray.create(store: store, path: "a/b/c", metadata: .v3(meta))
        try ConsolidatedV3.write(store: store)
        let root = try GroupMetadataV3.parse(try store.getJSON("zarr.json")!)
        XCTAssertEqual(root.consolidated?.keys.sorted(), ["a", "a/b", "a/b/c"])
        let text = String(decoding: try store.get("zarr.json")!, as: UTF8.self)
        XCTAssertLessThan(text.range(of: "\"a\"")!.lowerBound, text.range(of: "\"a/b/c\"")!.lowerBound)
        guard case .array(let a) = try ZarrNode.open(store: store, path: "a/b/c", consolidated: true) else { return XCTFail("not an array") }
        XCTAssertEqual(a.shape, [4, 6])
        guard case .group(let g) = try ZarrNode.open(store: store, path: "a", consolidated: true) else { return XCTFail("not a group") }
        XCTAssertEqual(try g.members().map(\.name), ["b"])
    }

    func testChunkKeys() {
        // V3-70…V3-73 / E-02 / E-03.
        XCTAssertEqual(ChunkKeyEncoding.default(separator: "/").key([1, 23, 45]), "c/1/23/45")
        XCTAssertEqual(ChunkKeyEncoding.default(separator: ".").key([1, 23]), "c.1.23")
        XCTAssertEqual(ChunkKeyEncoding.default(separator: "/").key([]), "c")
        XCTAssertEqual(ChunkKeyEncoding.v2(separator: ".").key([]), "0")
        XCTAssertEqual(ChunkKeyEncoding.v2(separator: "/").key([3, 0]), "3/0")
        XCTAssertEqual(ChunkKeyEncoding.default(separator: "/").key([3_000_000_000]), "c/3000000000")  // E-10
    }

    func testRectilinearGrid() throws {
        // EX-G02…EX-G04 / E-14: [[1,3],3] over 6 expands to [1,1,1,3]; an int repeats.
        let meta = try array {
            $0["shape"] = [6, 5]
            $0["chunk_grid"] = ["name": "rectilinear", "configuration": ["kind": "inline", "chunk_shapes": [[[1, 3], 3], 2]]]
        }
        XCTAssertEqual(meta.chunkGrid, .rectilinear(edges: [[1, 1, 1, 3], [2, 2, 2]]))
        XCTAssertEqual(meta.chunkGrid.gridShape(for: [6, 5]), [4, 3])
        let store = MemoryStore()
        let a = try ZarrArray.create(store: store, path: "", metadata: .v3(meta))
        let values = (0..<30).map { Int32($0) }
        try a.write(.fixed(values.flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) }))
        XCTAssertEqual(try store.get("c/3/2")?.count, 3 * 2 * 4, "chunk (3,2) is 3x2: not padded to a common size")
        guard case .fixed(let b) = try a.read([Slice(2, 6), Slice(1, 4)]) else { return XCTFail() }
        let got = stride(from: 0, to: b.count, by: 4).map { Int32(b[$0]) }
        XCTAssertEqual(got, [11, 12, 13, 16, 17, 18, 21, 22, 23, 26, 27, 28])
        XCTAssertThrowsError(try array { $0["chunk_grid"] = ["name": "rectilinear", "configuration": ["kind": "inline", "chunk_shapes": [[1, 1], 3]]] })  // sum < length
    }
}
