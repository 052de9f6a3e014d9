import Foundation
import XCTest
@testable import ZarrCore

/// Untrusted store contents give typed errors, never a crash or a hang.
final class BadInputTests: XCTestCase {
    func open(_ zarray: String, chunks: [String: [UInt8]] = [:]) throws -> ZarrArray {
        let store = MemoryStore()
        try store.set(".zarray", Array(zarray.utf8))
        for (k, v) in chunks { try store.set(k, v) }
        return try ZarrArray.open(store: store)
    }

    func base(_ change: String) -> String {
        #"{"zarr_format":2,"shape":[4],"chunks":[2],"dtype":"<i4","compressor":null,"fill_value":0,"order":"C","filters":null\#(change)}"#
    }

    func testMetadataErrorsNameTheKeyAndField() {
        let cases: [(String, String)] = [
            (#"{"zarr_format":2,"shape":[9223372036854775807,4],"chunks":[1,1],"dtype":"<i8","compressor":null,"fill_value":0,"order":"C","filters":null}"#, "overflows"),
            (#"{"zarr_format":2,"shape":[4],"chunks":[0],"dtype":"<i4","compressor":null,"fill_value":0,"order":"C","filters":null}"#, "chunk sizes"),
            (#"{"zarr_format":2,"shape":[-1],"chunks":[1],"dtype":"<i4","compressor":null,"fill_value":0,"order":"C","filters":null}"#, "non-negative"),
            (#"{"zarr_format":2,"shape":[4],"chunks":[2],"dtype":"|O","compressor":null,"fill_value":0,"order":"C","filters":null}"#, "object codec"),
            (base(#","dimension_separator":"-""#), "dimension_separator"),
            (#"[1,2]"#, "JSON object"),
            (base("").replacingOccurrences(of: #""<i4""#, with: #"">U2147483647""#), "big-endian units"),
            (base("").replacingOccurrences(of: #""<i4""#, with: #"[["a",">i4",[1073741824]]]"#), "big-endian scalars"),
            (base("").replacingOccurrences(of: #""chunks":[2]"#, with: #""chunks":[4000000000]"#).replacingOccurrences(of: #""shape":[4]"#, with: #""shape":[4000000000]"#), "limit"),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try open(text), expected) { error in
                let e = error as? ZarrError
                XCTAssertEqual(e?.key, ".zarray", "\(error)")
                XCTAssertTrue("\(error)".contains(expected), "\(error) lacks '\(expected)'")
            }
        }
    }

    func testHugeRectilinearEdgesDoNotOverflow() throws {
        let doc = #"{"zarr_format":3,"node_type":"array","shape":[5],"data_type":"uint8","chunk_grid":{"name":"rectilinear","configuration":{"kind":"inline","chunk_shapes":[[1,9223372036854775807]]}},"chunk_key_encoding":{"name":"default"},"fill_value":0,"codecs":["bytes"]}"#
        let store = MemoryStore()
        try store.set("zarr.json", Array(doc.utf8))
        XCTAssertThrowsError(try ZarrArray.open(store: store), "a chunk of 2^63 bytes is refused before anything is allocated") {
            XCTAssertTrue("\($0)".contains("limit"), "\($0)")
        }
        let grid = ChunkGrid.rectilinear(edges: [[1, Int.max]])
        XCTAssertEqual(grid.gridShape(for: [5]), [2])
        XCTAssertEqual(grid.locator(axis: 0)(3).chunk, 1)
        XCTAssertEqual(grid.origin([1]), [1])
    }

    func testZeroSizeElementsReadWithoutTrapping() throws {
        let a = try open(base("").replacingOccurrences(of: #""<i4""#, with: #""|S0""#).replacingOccurrences(of: #""fill_value":0"#, with: #""fill_value":"""#))
        XCTAssertEqual(try a.read(), .fixed([]))
    }

    func testUnknownExtraKeysAreIgnoredAndEmptyFiltersAreNull() throws {
        // V2-19 / V2-16 / E-75.
        let a = try open(base(#","filters":[],"extra":{"x":1}"#).replacingOccurrences(of: #""filters":null,"#, with: ""))
        XCTAssertEqual(a.codecs.codecs.map(\.name), ["bytes"])
    }

    func testCorruptChunksAreTypedErrorsNamingTheKey() throws {
        let zlib = try ZlibCodec(level: 1).encode([UInt8](repeating: 1, count: 8))
        let cases: [(String, [UInt8], String)] = [
            (base(""), [1, 2, 3], "exactly 8"),
            (base("").replacingOccurrences(of: #""compressor":null"#, with: #""compressor":{"id":"zlib"}"#), Array(zlib.dropLast(3)), "zlib"),
            (base("").replacingOccurrences(of: #""compressor":null"#, with: #""compressor":{"id":"blosc"}"#), [2, 1, 0x21, 4, 0xFF, 0xFF, 0xFF, 0x7F, 0, 0, 1, 0, 20, 0, 0, 0, 1, 2, 3, 4], "blosc"),
        ]
        for (meta, chunk, expected) in cases {
            guard let a = try? open(meta, chunks: ["0": chunk]) else { XCTFail(meta); continue }
            XCTAssertThrowsError(try a.read(), expected) { error in
                XCTAssertEqual((error as? ZarrError)?.key, "0", "\(error)")
                XCTAssertTrue("\(error)".contains(expected), "\(error) lacks '\(expected)'")
            }
        }
    }

    func testKeysWithTraversalAreRefusedInConsolidatedMetadata() throws {
        let store = MemoryStore()
        try store.set(".zgroup", Array(#"{"zarr_format":2}"#.utf8))
        for bad in ["../x/.zarray", "a/./.zarray", "a/.zfoo"] {
            try store.set(".zmetadata", Array(#"{"zarr_consolidated_format":1,"metadata":{"\#(bad)":{}}}"#.utf8))
            XCTAssertThrowsError(try ZarrNode.open(store: store, consolidated: true), bad)
        }
    }

    func testAttributesWithPythonTokens() throws {
        // E-80.
        let store = MemoryStore()
        try store.set(".zarray", Array(base("").utf8))
        try store.set(".zattrs", Array(#"{"scale": NaN, "max": Infinity}"#.utf8))
        let attributes = try ZarrArray.open(store: store).attributes
        XCTAssertTrue(attributes["scale"]?.doubleValue?.isNaN ?? false)
        XCTAssertEqual(attributes["max"]?.doubleValue, .infinity)
    }
}
