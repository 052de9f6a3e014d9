import XCTest
@testable import ZarrCore

final class V3CodecTests: XCTestCase {
    func chain(_ codecs: JSON, _ type: JSON, shape: [Int] = [4], fill: JSON = 0) throws -> (CodecChain, ChunkRepresentation) {
        let t = try V3DataType.parse(type)
        let rep = ChunkRepresentation(shape: shape, dataType: t.dataType, fillValue: try FillValue.parseV3(fill, type: t))
        return (try CodecRegistry.standard.makeChain(codecs.arrayValue ?? [], decoded: rep), rep)
    }

    let le: JSON = ["name": "bytes", "configuration": ["endian": "little"]]

    func testBitRoundIntegerSampleData() throws {
        // EX-C03 / E-60 / TV-02: uint8 keepbits 3 saturates instead of overflowing.
        let (c, rep) = try chain(.array([["name": "bitround", "configuration": ["keepbits": 3]], le]), "uint8", shape: [10])
        XCTAssertEqual(try c.encode(.fixed([0, 1, 10, 11, 100, 123, 200, 208, 209, 255]), rep), [0, 1, 10, 12, 96, 128, 192, 192, 224, 224])
    }

    func testBitRoundFloatsKeepSpecials() throws {
        let (c, rep) = try chain(.array([["name": "bitround", "configuration": ["keepbits": 1]], le]), "float32", shape: [3])
        let input = [Float(1.7), .nan, .infinity].flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
        let out = try c.encode(.fixed(input), rep)
        let values = stride(from: 0, to: 12, by: 4).map { i in out.withUnsafeBytes { Float(bitPattern: UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: i, as: UInt32.self))) } }
        XCTAssertEqual(values[0], 1.5)
        XCTAssertTrue(values[1].isNaN)
        XCTAssertEqual(values[2], .infinity)
    }

    func testPackBitsIsLeastSignificantBitFirst() throws {
        // EX-C13 / EX-C14, the bit order zarrs uses: int4 [1, -1] → 0x01 | 0xF0.
        let (c, rep) = try chain([["name": "packbits"]], "int4", shape: [2])
        XCTAssertEqual(try c.encode(.fixed([1, 0xFF]), rep), [0xF1])
        XCTAssertEqual(try c.decode([0xF1], rep), .fixed([1, 0xFF]), "sign-extended on decode")
        let (b, brep) = try chain([["name": "packbits", "configuration": ["padding_encoding": "first_byte"]]], "bool", shape: [4], fill: false)
        XCTAssertEqual(try b.encode(.fixed([1, 0, 0, 1]), brep), [4, 0x09])
        XCTAssertThrowsError(try b.decode([3, 0x09], brep), "a wrong padding byte is corrupt data")
        let (u, urep) = try chain([["name": "packbits", "configuration": ["first_bit": 4, "last_bit": 7]]], "uint8", shape: [2])
        XCTAssertEqual(try u.encode(.fixed([0xAB, 0xCD]), urep), [0xCA])
        XCTAssertEqual(try u.decode([0xCA], urep), .fixed([0xA0, 0xC0]))
    }

    func doubles(_ v: [Double]) -> ChunkData { .fixed(v.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }) }

    func testCastValueRulesAndScalarMap() throws {
        // E-63: wrap, clamp, scalar_map for NaN, and an error without a rule.
        let wrap: JSON = [["name": "cast_value", "configuration": ["data_type": "uint8", "out_of_range": "wrap"]], le]
        let (w, rep) = try chain(wrap, "float64", shape: [3])
        XCTAssertEqual(try w.encode(doubles([257, -1, 2.5]), rep), [1, 255, 2], "2.5 rounds half to even")
        let clamp: JSON = [["name": "cast_value", "configuration": ["data_type": "uint8", "out_of_range": "clamp", "rounding": "towards-positive",
                                                                   "scalar_map": ["encode": [["NaN", 0]], "decode": [[0, "NaN"]]]]], le]
        // EX-C06: with this map a 0.0 fill would come back as NaN, so the fill must be NaN.
        XCTAssertThrowsError(try chain(clamp, "float64", shape: [3])) { XCTAssertTrue("\($0)".contains("EX-C06"), "\($0)") }
        let (c, crep) = try chain(clamp, "float64", shape: [3], fill: "NaN")
        XCTAssertEqual(try c.encode(doubles([300, .nan, 1.2]), crep), [255, 0, 2])
        guard case .fixed(let back) = try c.decode([255, 0, 2], crep) else { return XCTFail() }
        XCTAssertTrue(Double(bitPattern: back.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self) }).isNaN)
        let strict: JSON = [["name": "cast_value", "configuration": ["data_type": "uint8"]], le]
        let (s, srep) = try chain(strict, "float64", shape: [1])
        XCTAssertThrowsError(try s.encode(doubles([256]), srep)) { XCTAssertTrue("\($0)".contains("out of range"), "\($0)") }
        XCTAssertThrowsError(try chain([["name": "cast_value", "configuration": ["data_type": "uint8", "extra": 1]], le], "float64"))
        // -0.0 keeps its sign between float types.
        let (f, frep) = try chain([["name": "cast_value", "configuration": ["data_type": "float32"]], le], "float64", shape: [1])
        XCTAssertEqual(try f.encode(doubles([-0.0]), frep), [0, 0, 0, 0x80])
    }

    func testScaleOffsetThenCastTransformsTheFillValue() throws {
        // E-64 / EX-C08: the fill value moves through the chain: (NaN→0 via scalar_map) and (5-5)*2 = 0.
        let codecs: JSON = [["name": "scale_offset", "configuration": ["offset": 5, "scale": 2]],
                            ["name": "cast_value", "configuration": ["data_type": "int8", "scalar_map": ["encode": [["NaN", -128]], "decode": [[-128, "NaN"]]]]], le]
        let (c, rep) = try chain(codecs, "float64", shape: [3], fill: "NaN")
        let reps = try c.representations(rep)
        XCTAssertEqual(reps[2].fillValue.bytes, [0x80], "NaN fill maps to -128")
        let encoded = try c.encode(doubles([5, 6.5, .nan]), rep)
        XCTAssertEqual(encoded, [0, 3, 0x80])
        guard case .fixed(let back) = try c.decode(encoded, rep) else { return XCTFail() }
        let values = (0..<3).map { i in Double(bitPattern: back.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self) }) }
        XCTAssertEqual(Array(values.prefix(2)), [5, 6.5])
        XCTAssertTrue(values[2].isNaN)
        // Integer scale_offset refuses what the type cannot hold.
        XCTAssertThrowsError(try chain([["name": "scale_offset", "configuration": ["offset": -100]], "bytes"], "uint8"), "offset is in the input type's encoding")
        let (i, irep) = try chain([["name": "scale_offset", "configuration": ["offset": 100, "scale": 2]], "bytes"], "uint8", shape: [2], fill: 100)
        XCTAssertEqual(try i.encode(.fixed([100, 101]), irep), [0, 2])
        XCTAssertThrowsError(try i.encode(.fixed([250]), irep)) { XCTAssertTrue("\($0)".contains("outside the range"), "\($0)") }
    }

    func testReshape() throws {
        // E-65.
        let (c, rep) = try chain([["name": "reshape", "configuration": ["shape": [[0, 1], -1]]], le], "int16", shape: [2, 3, 4])
        XCTAssertEqual(try c.representations(rep).last?.shape, [6, 4])
        let (d, drep) = try chain([["name": "reshape", "configuration": ["shape": [-1]]], le], "int16", shape: [2, 3])
        XCTAssertEqual(try d.representations(drep).last?.shape, [6])
        XCTAssertThrowsError(try chain([["name": "reshape", "configuration": ["shape": [[1], [0]]]], le], "int16", shape: [2, 3]))
        XCTAssertThrowsError(try chain([["name": "reshape", "configuration": ["shape": [5, -1]]], le], "int16", shape: [2, 3]))
        XCTAssertThrowsError(try chain([["name": "reshape", "configuration": ["shape": [-1, -1]]], le], "int16", shape: [2, 3]))
    }

    func testNumcodecsNamesAndVlenTypeChecks() throws {
        // EX-U01: numcodecs.* with zarr-python's byte-order-less dtype; EX-C16: vlen codecs match their type.
        let (c, rep) = try chain([["name": "numcodecs.delta", "configuration": ["dtype": "i4"]], le], "int32", shape: [3])
        let input: ChunkData = .fixed([5, 0, 0, 0, 7, 0, 0, 0, 6, 0, 0, 0])
        XCTAssertEqual(try c.encode(input, rep), [5, 0, 0, 0, 2, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF])
        XCTAssertEqual(try c.decode(try c.encode(input, rep), rep), input)
        XCTAssertThrowsError(try chain(["vlen-utf8"], "bytes"))
        XCTAssertNoThrow(try chain(["vlen-utf8"], "string", fill: ""))
    }

    func testBloscV3TypesizeRule() throws {
        // BC-02: typesize is required unless noshuffle.
        XCTAssertThrowsError(try chain([le, ["name": "blosc", "configuration": ["cname": "lz4", "clevel": 5, "shuffle": "shuffle"]]], "int32"))
        XCTAssertNoThrow(try chain([le, ["name": "blosc", "configuration": ["cname": "lz4", "clevel": 5, "shuffle": "noshuffle"]]], "int32"))
    }

    func testSubByteIntegersIgnoreHighBits() throws {
        // EX-D01: 0x0D and 0xFD both read as int4 -3; written with the high bits clear.
        let (c, rep) = try chain(["bytes"], "int4", shape: [2])
        XCTAssertEqual(try c.decode([0x0D, 0xFD], rep), .fixed([0xFD, 0xFD]))
        XCTAssertEqual(try c.encode(.fixed([0xFD, 0x07]), rep), [0x0D, 0x07])
    }
}
