import Foundation
import XCTest
@testable import ZarrCore

final class ArrayTests: XCTestCase {
    func int32s(_ values: [Int32]) -> ChunkData { .fixed(values.flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) }) }
    func decodeInt32s(_ data: ChunkData) -> [Int32] {
        guard case .fixed(let b) = data else { return [] }
        return stride(from: 0, to: b.count, by: 4).map { i in b.withUnsafeBytes { Int32(littleEndian: $0.loadUnaligned(fromByteOffset: i, as: Int32.self)) } }
    }

    func makeArray(shape: [Int], chunks: [Int], dtype: JSON = "<i4", order: Character = "C", fill: FillValue? = nil,
                   compressor: JSON = .null, store: MemoryStore = MemoryStore()) throws -> ZarrArray {
        let meta = ArrayMetadataV2(shape: shape, chunks: chunks, dtype: try V2DataType.parse(dtype), compressor: compressor,
                                   fillValue: fill, order: order)
        return try ZarrArray.create(store: store, path: "a", metadata: meta)
    }

    func testHyperslabWithStepsAcrossChunks() throws {
        // E-06: shape 30x30 in 16x16 chunks; values are i*30+j.
        for order: Character in ["C", "F"] {
            let a = try makeArray(shape: [30, 30], chunks: [16, 16], order: order, compressor: ["id": "zlib", "level": 1])
            try a.write(int32s((0..<900).map(Int32.init)))
            let got = decodeInt32s(try a.read([Slice(3, 29, step: 5), Slice(14, 18)]))
            var want: [Int32] = []
            for i in stride(from: 3, to: 29, by: 5) { for j in 14..<18 { want.append(Int32(i * 30 + j)) } }
            XCTAssertEqual(got, want, "order \(order)")
            // An edge chunk is stored with the full 16x16 shape (E-06).
            let edge = try a.readChunk([1, 1])
            XCTAssertEqual(decodeInt32s(edge ?? .fixed([])).count, 256)
        }
    }

    func testPartialWriteKeepsNeighboursAndMissingChunksReadAsFill() throws {
        // V2-52 / E-15.
        let fill = FillValue(bytes: withUnsafeBytes(of: Int32(-7).littleEndian, Array.init))
        let a = try makeArray(shape: [10, 10], chunks: [4, 4], fill: fill)
        try a.write(int32s([1, 2, 3, 4]), [Slice(3, 5), Slice(3, 5)])
        let all = decodeInt32s(try a.read())
        XCTAssertEqual(all[33], 1); XCTAssertEqual(all[34], 2); XCTAssertEqual(all[43], 3); XCTAssertEqual(all[44], 4)
        XCTAssertEqual(all.filter { $0 == -7 }.count, 96)
        XCTAssertNil(try a.readChunk([2, 2]), "an untouched chunk is not written")
    }

    func testNullFillReadsAsZeros() throws {
        // E-16: documented choice, missing chunks of a null-fill array read as zeros.
        let a = try makeArray(shape: [5], chunks: [2])
        XCTAssertEqual(decodeInt32s(try a.read()), [0, 0, 0, 0, 0])
    }

    func testZeroDimensionalAndZeroLength() throws {
        // E-01: one chunk with key "0". E-04: no chunks, empty reads.
        let store = MemoryStore()
        let scalar = try makeArray(shape: [], chunks: [], store: store)
        try scalar.write(int32s([99]))
        XCTAssertNotNil(try store.get("a/0"))
        XCTAssertEqual(decodeInt32s(try scalar.read()), [99])
        let empty = try makeArray(shape: [0, 5], chunks: [3, 5])
        XCTAssertEqual(try empty.read(), .fixed([]))
        try empty.write(.fixed([]))
    }

    func testNestedKeysAndAncestorGroups() throws {
        // V2-50 (separator "/"), V2-61 (ancestors created).
        let store = MemoryStore()
        var meta = ArrayMetadataV2(shape: [4, 4], chunks: [2, 2], dtype: try V2DataType.parse("|u1"))
        meta.dimensionSeparator = "/"
        let a = try ZarrArray.create(store: store, path: "x/y/z", metadata: meta)
        try a.write(.fixed([UInt8](repeating: 5, count: 16)))
        XCTAssertNotNil(try store.get("x/y/z/1/1"))
        XCTAssertNotNil(try store.get(".zgroup"))
        XCTAssertNotNil(try store.get("x/y/.zgroup"))
        XCTAssertEqual(try ZarrGroup.open(store: store, path: "x/y").members().map(\.name), ["z"])
    }

    func testResizeDropsChunksOutsideTheNewShape() throws {
        let store = MemoryStore()
        let a = try makeArray(shape: [8], chunks: [2], store: store)
        try a.write(int32s([1, 2, 3, 4, 5, 6, 7, 8]))
        let smaller = try a.resize([3])
        XCTAssertNil(try store.get("a/3"))
        XCTAssertNotNil(try store.get("a/1"))
        XCTAssertEqual(decodeInt32s(try smaller.read()), [1, 2, 3])
        let grown = try smaller.resize([6])
        // Chunk 1 still holds 3 and 4 (V3-115: stale data reappears within kept chunks).
        XCTAssertEqual(decodeInt32s(try grown.read()), [1, 2, 3, 4, 0, 0])
    }

    func testVariableLengthStringsInFortranOrder() throws {
        // E-33: vlen-utf8 with order F.
        let store = MemoryStore()
        let meta = try ArrayMetadataV2.parse(try JSON.parse(#"{"zarr_format":2,"shape":[2,3],"chunks":[2,3],"dtype":"|O","compressor":null,"fill_value":"","order":"F","filters":[{"id":"vlen-utf8"}]}"#))
        let a = try ZarrArray.create(store: store, path: "", metadata: meta)
        let words = ["a", "bb", "", "日本", "🙂", "x"].map { Array($0.utf8) }
        try a.write(.variable(words))
        XCTAssertEqual(try a.read(), .variable(words))
        // Stored F order: column by column.
        let raw = try VLenCodec(kind: .utf8).decode(try store.get("0.0") ?? [], ChunkRepresentation(shape: [6], dataType: .string, fillValue: FillValue(bytes: [])))
        XCTAssertEqual(raw, .variable([words[0], words[3], words[1], words[4], words[2], words[5]]))
    }

    func testSelectionErrors() throws {
        let a = try makeArray(shape: [4], chunks: [2])
        XCTAssertThrowsError(try a.read([Slice(0, 5)]))
        XCTAssertThrowsError(try a.read([Slice(0, 2, step: 0)]))
        XCTAssertThrowsError(try a.write(int32s([1])))
    }

    func testConsolidatedMetadataRoundTrip() throws {
        // CM-01…CM-03 / E-87.
        let store = MemoryStore()
        _ = try makeArray(shape: [3], chunks: [3], store: store)
        try ZarrGroup.create(store: store, path: "g/h", attributes: JSONObject([("k", "v")]))
        try ConsolidatedV2.write(store: store)
        let documents = try ConsolidatedV2.read(store: store)
        XCTAssertEqual(documents?.keys.sorted(), [".zgroup", "a/.zarray", "g/.zgroup", "g/h/.zattrs", "g/h/.zgroup"])
        guard case .array(let a) = try ZarrNode.open(store: store, path: "a", consolidated: true) else { return XCTFail("not an array") }
        XCTAssertEqual(a.shape, [3])
        try store.set(".zmetadata", Array(#"{"zarr_consolidated_format":1,"metadata":{"../.zarray":{}}}"#.utf8))
        XCTAssertThrowsError(try ConsolidatedV2.read(store: store))
    }

    func testPathNormalisation() throws {
        // V2-04 / V2-05 / E-83.
        XCTAssertEqual(try NodePath.normalize("\\foo//bar/"), "foo/bar")
        XCTAssertEqual(try NodePath.normalize("/"), "")
        XCTAssertThrowsError(try NodePath.normalize("a/../b"))
        XCTAssertThrowsError(try NodePath.normalize("./a"))
    }
}
