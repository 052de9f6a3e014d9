import Foundation
import XCTest
@testable import ZarrCore

/// Issue 18: what other projects' data showed — NumPy dtype names in numcodecs configurations,
/// numcodecs json2, nodes with both formats' metadata, and `cat` printing at element precision.
final class InteropTests: XCTestCase {
    // MARK: NumPy dtype spellings (NC-08…NC-17)

    func testNumPyDtypeSpellingsGiveNumPysTypestr() {
        // Each pair is what NumPy 2.2's np.dtype(spelling).str gives (LP64 Linux).
        let accepted: [(String, String)] = [
            ("int32", "<i4"), ("float64", "<f8"), ("uint8", "|u1"), ("bool", "|b1"), ("int8", "|i1"), ("uint64", "<u8"),
            ("float16", "<f2"), ("complex64", "<c8"), ("half", "<f2"), ("double", "<f8"), ("intc", "<i4"), ("longlong", "<i8"),
            ("int", "<i8"), ("float", "<f8"), ("complex", "<c16"), ("object", "|O"),
            ("<i4", "<i4"), ("i4", "<i4"), ("|u1", "|u1"), ("=f8", "<f8"), (">i4", ">i4"), ("|i4", "<i4"), ("<u1", "|u1"), (">b1", "|b1"),
            ("?", "|b1"), ("b", "|i1"), ("B", "|u1"), ("h", "<i2"), (">h", ">i2"), ("i", "<i4"), ("l", "<i8"), ("q", "<i8"),
            ("e", "<f2"), ("f", "<f4"), ("d", "<f8"), ("F", "<c8"), ("D", "<c16"), ("c", "|S1"), ("g", "<f16"), ("f16", "<f16"),
            ("S4", "|S4"), (">S4", "|S4"), ("a3", "|S3"), ("U4", "<U4"), ("|U4", "<U4"), ("=U4", "<U4"), (">U4", ">U4"), ("V4", "|V4"),
            ("M8[ns]", "<M8[ns]"), (">M8[ns]", ">M8[ns]"), ("datetime64[ns]", "<M8[ns]"), ("<datetime64[ns]", "<M8[ns]"),
            ("timedelta64[10s]", "<m8[10s]"), ("O", "|O"), ("|O", "|O"), ("O8", "|O"), (">c8", ">c8"),
        ]
        for (spelling, typestr) in accepted { XCTAssertEqual(NumPyDtypeName.typestr(spelling), typestr, spelling) }
        // What NumPy refuses: a byte order before a name, other capitalisations, sizes a kind lacks.
        for spelling in ["<int32", ">float64", "<bool", "Int32", "int32 ", "b2", "u16", "f1", "c4", "I4", "", "float_", "bool8", "u", "<"] {
            XCTAssertNil(NumPyDtypeName.typestr(spelling), spelling)
        }
    }

    func testNumcodecsConfigurationsAcceptEverySpelling() throws {
        func delta(_ dtype: JSON, _ astype: JSON? = nil) throws -> DeltaCodec {
            var o = JSONObject([("id", "delta"), ("dtype", dtype)])
            if let astype { o["astype"] = astype }
            return try DeltaCodec(CodecConfiguration(codec: "delta", object: o))
        }
        for spelling in ["int32", "i4", "<i4", "|i4", "=i4", "intc", "i"] {
            let codec = try delta(.string(spelling))
            XCTAssertEqual(codec.dtype.dataType, .int(bits: 32), spelling)
            XCTAssertEqual(codec.v2Configuration["dtype"], "<i4", "written back as numcodecs writes it: \(spelling)")
        }
        XCTAssertEqual(try delta("int16", "int8").astype.dataType, .int(bits: 8))
        XCTAssertEqual(try delta(">u2").dtype.bigEndianComponents, [ByteComponent(offset: 0, width: 2)])
        XCTAssertThrowsError(try delta("<int32")) { error in
            let e = error as? ZarrError
            XCTAssertEqual(e?.codec, "delta")
            XCTAssertEqual(e?.field, "dtype")
            XCTAssertTrue(e?.message.contains("not a NumPy dtype") ?? false, "\(error)")
        }
        XCTAssertThrowsError(try delta("float128")) { XCTAssertTrue("\($0)".contains("V2-39"), "\($0)") }  // <f16: not portable
        // v3 numcodecs.* (EX-U01) and the v2 filter list take the same spellings.
        let v3 = try ArrayMetadataV3.parse(try JSON.parse(#"""
            {"zarr_format":3,"node_type":"array","shape":[4],"data_type":"float64","chunk_grid":{"name":"regular","configuration":{"chunk_shape":[4]}},
             "chunk_key_encoding":{"name":"default"},"fill_value":0,"codecs":[{"name":"numcodecs.fixedscaleoffset","configuration":{"offset":1000,"scale":10,"dtype":"float64","astype":"uint8"}},
             {"name":"numcodecs.astype","configuration":{"encode_dtype":"uint8","decode_dtype":"u1"}},{"name":"bytes"}]}
            """#))
        XCTAssertEqual(try v3.codecChain().arrayToArray.count, 2)
        let v2 = try ArrayMetadataV2.parse(try JSON.parse(#"""
            {"zarr_format":2,"shape":[3],"chunks":[3],"dtype":"|O","compressor":null,"fill_value":null,"order":"C","filters":[{"id":"vlen-array","dtype":"int32"}]}
            """#))
        XCTAssertEqual(v2.dtype.dataType, .vlenArray(.int(bits: 32)))
    }

    // MARK: json2 (NC-18)

    func rep(_ shape: [Int], _ type: DataType) -> ChunkRepresentation {
        ChunkRepresentation(shape: shape, dataType: type, fillValue: .zero(for: type))
    }

    func json2(_ members: [(String, JSON)] = [], type: DataType = .string) throws -> JSON2Codec {
        try JSON2Codec(CodecConfiguration(codec: "json2", object: JSONObject([("id", "json2")] + members)), dataType: type)
    }

    func testJSON2WritesNumcodecsBytes() throws {
        // The payloads numcodecs 0.15 / 0.16 writes for these chunks (ensure_ascii, separators "," ":").
        let codec = try json2()
        let text: [[UInt8]] = ["a", "é", "🙂", "x\"y", "", "tab\t"].map { Array($0.utf8) }
        let encoded = try codec.encode(.variable(text), rep([2, 3], .string))
        XCTAssertEqual(String(decoding: encoded, as: UTF8.self), #"[["a","\u00e9","\ud83d\ude42"],["x\"y","","tab\t"],"|O",[2,3]]"#)
        XCTAssertEqual(try codec.decode(encoded, rep([2, 3], .string)), .variable(text))
        let scalar = try codec.encode(.variable([Array("scalar é".utf8)]), rep([], .string))
        XCTAssertEqual(String(decoding: scalar, as: UTF8.self), #"["scalar \u00e9","|O",[]]"#)
        XCTAssertEqual(try codec.decode(scalar, rep([], .string)), .variable([Array("scalar é".utf8)]))

        let floats: [Float] = [1000.1, .nan, .infinity, -0.0, 1e-7]
        let f4 = try json2(type: .float(bits: 32))
        let bytes = floats.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
        let payload = try f4.encode(.fixed(bytes), rep([5], .float(bits: 32)))
        XCTAssertEqual(String(decoding: payload, as: UTF8.self), #"[1000.0999755859375,NaN,Infinity,-0.0,1.0000000116860974e-07,"<f4",[5]]"#)
        XCTAssertEqual(try f4.decode(payload, rep([5], .float(bits: 32))), .fixed(bytes))

        let i2 = try json2(type: .int(bits: 16))
        let ints: [Int16] = [-32768, 0, 32767, 5]
        let intBytes = ints.flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) }
        let intPayload = try i2.encode(.fixed(intBytes), rep([2, 2], .int(bits: 16)))
        XCTAssertEqual(String(decoding: intPayload, as: UTF8.self), #"[[-32768,0],[32767,5],"<i2",[2,2]]"#)
        XCTAssertEqual(try i2.decode(intPayload, rep([2, 2], .int(bits: 16))), .fixed(intBytes))
        XCTAssertEqual(try json2(type: .bool).decode(Array(#"[true,false,1,"|b1",[3]]"#.utf8), rep([3], .bool)), .fixed([1, 0, 1]))
        XCTAssertEqual(try json2([("ensure_ascii", false)]).encode(.variable([Array("é".utf8)]), rep([1], .string)), Array(#"["é","|O",[1]]"#.utf8))
    }

    func testJSON2RefusesMalformedPayloadsWithTypedErrors() throws {
        let codec = try json2()
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        for payload in ["", "{}", "[1]", #"["a","|O",[2]]"#, #"["a",null,"|O",[2]]"#, #"[1,2,"|O",[2]]"#, #"["a","b","<i4",[2]]"#,
                        #"["a","b","|O",[-2]]"#, #"[["a"],["b","c"],"|O",[2,1]]"#, #"["a","b","|O","2"]"#, #"["a","b",7,[2]]"#, deep,
                        "[\"a\",\"b\",\"|O\",[2]", "\u{FF}\u{FE}"] {
            XCTAssertThrowsError(try codec.decode(Array(payload.utf8), rep([2], .string)), payload) {
                XCTAssertEqual(($0 as? ZarrError)?.kind, .corruptData, payload)
                XCTAssertEqual(($0 as? ZarrError)?.codec, "numcodecs.json2", payload)
            }
        }
        let i2 = try json2(type: .int(bits: 16))
        for payload in [#"[1.5,2,"<i2",[2]]"#, #"[70000,2,"<i2",[2]]"#, #"["1",2,"<i2",[2]]"#, #"[1,2,"<f4",[2]]"#] {
            XCTAssertThrowsError(try i2.decode(Array(payload.utf8), rep([2], .int(bits: 16))), payload)
        }
        XCTAssertThrowsError(try json2(type: .complex(bits: 64))) { XCTAssertEqual(($0 as? ZarrError)?.kind, .unsupported) }
        XCTAssertThrowsError(try json2([("encoding", "utf-16")])) { XCTAssertEqual(($0 as? ZarrError)?.field, "encoding") }
    }

    func testJSON2ArraysReadAndWriteThroughTheV2Pipeline() throws {
        let store = MemoryStore()
        let meta = try ArrayMetadataV2.parse(try JSON.parse(#"""
            {"zarr_format":2,"shape":[3,2],"chunks":[2,2],"dtype":"|O","compressor":{"id":"zlib","level":1},"fill_value":"","order":"C",
             "filters":[{"id":"json2","encoding":"utf-8","ensure_ascii":true,"allow_nan":true,"sort_keys":true,"indent":null,"separators":[",",":"],"skipkeys":false,"check_circular":true,"strict":true}]}
            """#))
        let array = try ZarrArray.create(store: store, path: "", metadata: meta)
        let words = ["a", "bb", "", "données", "🙂", "z"].map { Array($0.utf8) }
        try array.write(.variable(words))
        XCTAssertEqual(try ZarrArray.open(store: store).read(), .variable(words))
        let stored = try Zlib.decompress(try XCTUnwrap(try store.get("1.0")), container: .zlib, expectedSize: nil, limit: 1 << 16)
        XCTAssertEqual(String(decoding: stored, as: UTF8.self), #"[["\ud83d\ude42","z"],["",""],"|O",[2,2]]"#, "the edge chunk is padded with the fill")
    }

    // MARK: Both formats in one directory

    func dualStore() throws -> MemoryStore {
        let store = MemoryStore()
        try store.set("zarr.json", Array(#"{"zarr_format":3,"node_type":"group","attributes":{}}"#.utf8))
        try store.set(".zgroup", Array(#"{"zarr_format":2}"#.utf8))
        try store.set("a/zarr.json", Array(#"""
            {"zarr_format":3,"node_type":"array","shape":[2],"data_type":"int32","chunk_grid":{"name":"regular","configuration":{"chunk_shape":[2]}},
             "chunk_key_encoding":{"name":"v2","configuration":{"separator":"."}},"fill_value":1,"codecs":[{"name":"bytes","configuration":{"endian":"little"}}]}
            """#.utf8))
        try store.set("a/.zarray", Array(#"{"zarr_format":2,"shape":[2],"chunks":[2],"dtype":"<i4","compressor":null,"fill_value":2,"order":"C","filters":null}"#.utf8))
        return store
    }

    func testNodesWithBothFormatsReadZarrJSONWithAWarningOrTheChosenFormat() throws {
        let store = try dualStore()
        var warnings: [String] = []
        guard case .array(let v3) = try ZarrNode.open(store: store, path: "a", warn: { warnings.append($0) }) else { return XCTFail("not an array") }
        XCTAssertEqual(v3.metadata.format, .v3)
        XCTAssertEqual(try v3.read(), .fixed([1, 0, 0, 0, 1, 0, 0, 0]), "the v3 fill")
        XCTAssertEqual(warnings, ["'a' has both zarr.json and .zarray; reading zarr.json (Zarr v3), as zarr-python 3 does (--zarr-format 2 reads the v2 metadata)"])
        warnings = []
        guard case .array(let v2) = try ZarrNode.open(store: store, path: "a", zarrFormat: .v2, warn: { warnings.append($0) }) else { return XCTFail("not an array") }
        XCTAssertEqual(v2.metadata.format, .v2)
        XCTAssertEqual(try v2.read(), .fixed([2, 0, 0, 0, 2, 0, 0, 0]), "the v2 fill")
        guard case .group(let g) = try ZarrNode.open(store: store, zarrFormat: .v2, warn: { warnings.append($0) }) else { return XCTFail("not a group") }
        XCTAssertEqual(g.format, .v2)
        XCTAssertEqual(warnings, [], "a format chosen by the caller is not warned about")
        guard case .group(let root) = try ZarrNode.open(store: store, warn: { warnings.append($0) }) else { return XCTFail("not a group") }
        XCTAssertEqual(root.format, .v3)
        XCTAssertEqual(warnings.count, 1)
        XCTAssertTrue(warnings[0].hasPrefix("the root has both zarr.json and .zgroup"), warnings[0])
        XCTAssertEqual(try ZarrArray.open(store: store, path: "a", zarrFormat: .v2).metadata.format, .v2)

        // A format that is not there is an error naming the key; .zarray with .zgroup stays an error.
        try store.erase("a/.zarray")
        XCTAssertThrowsError(try ZarrNode.open(store: store, path: "a", zarrFormat: .v2)) {
            XCTAssertEqual(($0 as? ZarrError)?.kind, .notFound)
            XCTAssertEqual(($0 as? ZarrError)?.key, "a/.zarray")
        }
        try store.erase("a/zarr.json")
        try store.set("a/.zarray", Array(#"{"zarr_format":2,"shape":[2],"chunks":[2],"dtype":"<i4","compressor":null,"fill_value":2,"order":"C","filters":null}"#.utf8))
        XCTAssertThrowsError(try ZarrNode.open(store: store, path: "a", zarrFormat: .v3)) { XCTAssertEqual(($0 as? ZarrError)?.key, "a/zarr.json") }
        try store.set("a/.zgroup", Array(#"{"zarr_format":2}"#.utf8))
        XCTAssertThrowsError(try ZarrNode.open(store: store, path: "a")) { XCTAssertEqual(($0 as? ZarrError)?.kind, .invalidMetadata) }
    }

    // MARK: cat prints floats at the element's precision

    func printed(_ document: String, key: String, _ bytes: [UInt8]) throws -> [String] {
        let store = MemoryStore()
        try store.set(key, Array(document.utf8))
        let array = try ZarrArray.open(store: store)
        try array.write(.fixed(bytes))
        return array.elementsJSON(try array.read()).map { $0.serialized() }
    }

    func v2(_ dtype: String, count: Int) -> String {
        #"{"zarr_format":2,"shape":[\#(count)],"chunks":[\#(count)],"dtype":"\#(dtype)","compressor":null,"fill_value":null,"order":"C","filters":null}"#
    }

    func v3(_ type: String, count: Int, fill: String = "0") -> String {
        #"{"zarr_format":3,"node_type":"array","shape":[\#(count)],"data_type":"\#(type)","chunk_grid":{"name":"regular","configuration":{"chunk_shape":[\#(count)]}},"chunk_key_encoding":{"name":"default"},"fill_value":\#(fill),"codecs":[{"name":"bytes","configuration":{"endian":"little"}}]}"#
    }

    func testCatPrintsTheShortestDecimalAtTheElementsPrecision() throws {
        func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v.littleEndian, Array.init) }
        let f4: [Float] = [1000.1, 0.1, 1.0 / 3.0, 16_777_216, -0.0, .nan, 1e10, 3.4028235e38]
        XCTAssertEqual(try printed(v2("<f4", count: 8), key: ".zarray", f4.flatMap { le($0.bitPattern) }),
                       ["1000.1", "0.1", "0.33333334", "16777216.0", "-0.0", "\"NaN\"", "1e+10", "3.4028235e+38"])
        XCTAssertEqual(try printed(v3("float32", count: 2), key: "zarr.json", [Float(1000.1), 0.1].flatMap { le($0.bitPattern) }), ["1000.1", "0.1"])
        let f2: [Float16] = [1000.1, 0.1, 65504, .infinity]
        XCTAssertEqual(try printed(v2("<f2", count: 4), key: ".zarray", f2.flatMap { le($0.bitPattern) }), ["1000.0", "0.1", "65504.0", "\"Infinity\""])
        XCTAssertEqual(try printed(v2("<f8", count: 2), key: ".zarray", [Double(Float(1000.1)), 0.1].flatMap { le($0.bitPattern) }),
                       ["1000.0999755859375", "0.1"], "float64 keeps every digit it needs")
        let c8: [Float] = [1000.1, 0.1]
        XCTAssertEqual(try printed(v2("<c8", count: 1), key: ".zarray", c8.flatMap { le($0.bitPattern) }), ["[1000.1,0.1]"])
        // bfloat16 0x447A is 1000, 0x3DCD is 0.10009765625 ("0.1" reads back as it); float8_e4m3fn 0x2A is 0.3125 ("0.3").
        XCTAssertEqual(try printed(v3("bfloat16", count: 3), key: "zarr.json", le(UInt16(0x447A)) + le(UInt16(0x3DCD)) + le(UInt16(0x4049))),
                       ["1000.0", "0.1", "3.14"])
        XCTAssertEqual(try printed(v3("float8_e4m3fn", count: 3), key: "zarr.json", [0x2A, 0x7F, 0x38]), ["0.3", "\"NaN\"", "1.0"])
        XCTAssertEqual(try printed(v3("float4_e2m1fn", count: 2), key: "zarr.json", [0x03, 0x0F]), ["1.5", "-6.0"])
        XCTAssertEqual(try printed(v3("complex_bfloat16", count: 1, fill: "[0,0]"), key: "zarr.json", le(UInt16(0x447A)) + le(UInt16(0x3DCD))), ["[1000.0,0.1]"])
        // Metadata keeps zarr-python's form: a float32 fill is the double it stands for.
        XCTAssertEqual(FillValue(bytes: le(Float(1000.1).bitPattern)).v3JSON(type: try V3DataType.parse("float32")), .number("1000.0999755859375"))
    }

    func testShortestDecimalReadsBackAsEveryCode() {
        for f in SmallFloatFormat.all + [.bfloat16, .float16] {
            for code in 0..<(UInt32(1) << UInt32(f.bits)) where f.decode(code).isFinite {
                guard let parsed = Double(f.shortestDecimal(code)) else { XCTFail("\(f.name) \(code): \(f.shortestDecimal(code))"); continue }
                if f.decode(code) == 0 && f.specials == .nanIsNegativeZero { continue }
                XCTAssertEqual(f.encode(parsed), code, "\(f.name) code \(code) printed \(f.shortestDecimal(code))")
            }
        }
    }
}
