import Foundation
import XCTest
@testable import ZarrCore

final class DataTypeAndFillValueTests: XCTestCase {
    func dtype(_ s: JSON) throws -> V2DataType { try V2DataType.parse(s) }

    func testItemSizes() throws {
        // E-77: <U5 is 20 bytes per element, |S5 is 5.
        XCTAssertEqual(try dtype("<U5").dataType.itemSize, 20)
        XCTAssertEqual(try dtype("|S5").dataType.itemSize, 5)
        XCTAssertEqual(try dtype("|V16").dataType.itemSize, 16)
        XCTAssertEqual(try dtype("<c16").dataType, .complex(bits: 128))
        XCTAssertEqual(try dtype([["x", "<f4"], ["y", "<f4"], ["z", "<f4", [2, 2]]]).dataType.itemSize, 24)
    }

    func testDatetimeUnits() throws {
        // V2-34 / E-78.
        XCTAssertEqual(try dtype("<M8[10s]").dataType, .datetime64(TimeUnit(unit: "s", scale: 10)))
        XCTAssertEqual(try dtype(">m8[us]").dataType, .timedelta64(TimeUnit(unit: "us")))
        for bad: JSON in ["<M8", "<M8[]", "<M8[parsec]", "<m8[0s]"] {
            XCTAssertThrowsError(try dtype(bad), bad.serialized()) { XCTAssertEqual(($0 as? ZarrError)?.field, "dtype") }
        }
    }

    func testRejectedTypestrs() {
        for bad: JSON in ["i4", "<i3", "<f16", "<c32", "<q8", "", 5, [], [["a"]]] {
            XCTAssertThrowsError(try dtype(bad), bad.serialized())
        }
    }

    func testBigEndianComponentsOfMixedStructured() throws {
        // V2-37: each field keeps its own byte order; offsets are packed.
        let t = try dtype([["a", ">i4"], ["b", "<f8"], ["c", ">u2"], ["d", "|S3"]])
        XCTAssertEqual(t.bigEndianComponents, [ByteComponent(offset: 0, width: 4), ByteComponent(offset: 12, width: 2)])
        let nested = try dtype([["foo", ">f4"], ["bar", [["baz", ">f4"], ["qux", "<i4"]]]])
        XCTAssertEqual(nested.bigEndianComponents, [ByteComponent(offset: 0, width: 4), ByteComponent(offset: 4, width: 4)])
        XCTAssertEqual(try dtype(">U2").bigEndianComponents, [ByteComponent(offset: 0, width: 4), ByteComponent(offset: 4, width: 4)])
    }

    func fill(_ json: JSON, _ t: JSON) throws -> [UInt8]? { try FillValue.parseV2(json, dtype: try dtype(t))?.bytes }

    func testFloatFills() throws {
        // V2-40 / E-17: the special strings, in each width, bit-exact.
        XCTAssertEqual(try fill("NaN", "<f4"), [0x00, 0x00, 0xC0, 0x7F])
        XCTAssertEqual(try fill("Infinity", "<f2"), [0x00, 0x7C])
        XCTAssertEqual(try fill("-Infinity", "<f8"), [0, 0, 0, 0, 0, 0, 0xF0, 0xFF])
        XCTAssertEqual(try fill(.number("-0.0"), "<f8"), [0, 0, 0, 0, 0, 0, 0, 0x80])
        XCTAssertEqual(try fill(.number("0.1"), "<f4"), withUnsafeBytes(of: Float(0.1).bitPattern.littleEndian, Array.init))
    }

    func testIntegerFillsAtTheLimits() throws {
        // E-21, and z5py's integral-float form (peers.md).
        XCTAssertEqual(try fill(.number("18446744073709551615"), "<u8"), [UInt8](repeating: 0xFF, count: 8))
        XCTAssertEqual(try fill(.number("-9223372036854775808"), "<i8"), [0, 0, 0, 0, 0, 0, 0, 0x80])
        XCTAssertEqual(try fill(.number("0.0"), "<i4"), [0, 0, 0, 0])
        XCTAssertThrowsError(try fill(256, "|u1"))
        XCTAssertThrowsError(try fill(.number("1.5"), "<i4"))
    }

    func testBytesAndStructuredFillsAreBase64() throws {
        // V2-41: |S4 with b"X" is "WA==", padded with zeros. V2-45: legacy 0.
        XCTAssertEqual(try fill("WA==", "|S4"), [0x58, 0, 0, 0])
        XCTAssertEqual(try fill(0, "|S2"), [0, 0])
        XCTAssertThrowsError(try fill("WFhYWFg=", "|S4"))  // 5 bytes into 4
        XCTAssertThrowsError(try fill("not base64!", "|S4"))
        // A structured fill is stored in the record's own byte order: >i4 7, then <f8 2.5.
        let t: JSON = [["a", ">i4"], ["b", "<f8"]]
        let stored: [UInt8] = [0, 0, 0, 7] + withUnsafeBytes(of: (2.5).bitPattern.littleEndian, Array.init)
        let b64 = Data(stored).base64EncodedString()
        let canonical = try fill(.string(b64), t)
        XCTAssertEqual(canonical.map { Array($0.prefix(4)) }, [7, 0, 0, 0])
        XCTAssertEqual(FillValue(bytes: canonical ?? []).v2JSON(dtype: try dtype(t)), .string(b64))
    }

    func testOtherFills() throws {
        XCTAssertEqual(try fill("NaT", "<M8[ns]"), [0, 0, 0, 0, 0, 0, 0, 0x80])  // V2-44 / E-25
        XCTAssertEqual(try fill(.number("-9223372036854775808"), "<M8[ns]"), [0, 0, 0, 0, 0, 0, 0, 0x80])
        XCTAssertEqual(try fill(["NaN", "-Infinity"], "<c8"), [0, 0, 0xC0, 0x7F, 0, 0, 0x80, 0xFF])  // E-23
        XCTAssertEqual(try fill("é", "<U2"), [0xE9, 0, 0, 0, 0, 0, 0, 0])
        XCTAssertThrowsError(try fill("abc", "<U2"))
        XCTAssertEqual(try fill(true, "|b1"), [1])
        XCTAssertNil(try fill(nil, "<i4"))
    }

    func testFillValuesRoundTripThroughJSON() throws {
        for (json, t): (JSON, JSON) in [("NaN", "<f8"), ("Infinity", "<f4"), (.number("42"), ">i2"), (.number("-0.0"), "<f8"),
                                        (["NaN", .number("1.5")], "<c16"), ("WA==", "|S1"), ("ab", "<U3"), (true, "|b1"),
                                        (.number("18446744073709551615"), "<u8")] {
            let d = try dtype(t)
            let parsed = try FillValue.parseV2(json, dtype: d)
            XCTAssertEqual(parsed?.v2JSON(dtype: d), json, "\(json.serialized()) as \(t.serialized())")
        }
    }
}
