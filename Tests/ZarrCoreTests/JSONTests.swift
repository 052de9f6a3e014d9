import XCTest
@testable import ZarrCore

final class JSONTests: XCTestCase {
    func testSixtyFourBitIntegersAreExact() throws {
        // E-21: values a Double cannot hold must survive parsing.
        let json = try JSON.parse(#"{"a": 18446744073709551615, "b": -9223372036854775808, "c": 9007199254740993}"#)
        XCTAssertEqual(json["a"]?.uint64Value, UInt64.max)
        XCTAssertEqual(json["b"]?.int64Value, Int64.min)
        XCTAssertEqual(json["c"]?.int64Value, 9_007_199_254_740_993)
        XCTAssertNil(json["a"]?.int64Value, "uint64 max is not an int64")
    }

    func testPythonTokensAreAccepted() throws {
        // V2-65 / E-80: Python writes NaN and Infinity in .zattrs.
        let json = try JSON.parse(#"{"x": NaN, "y": [Infinity, -Infinity, 1.5e3]}"#)
        XCTAssertTrue(json["x"]?.doubleValue?.isNaN ?? false)
        XCTAssertEqual(json["y"]?.arrayValue?.compactMap(\.doubleValue), [.infinity, -.infinity, 1500])
    }

    func testIntegerAccessorsRefuseFractionsAndExponents() throws {
        // V3-53: 1.0 and 1e3 are not integers.
        XCTAssertNil(try JSON.parse("1.0").int64Value)
        XCTAssertNil(try JSON.parse("1e3").int64Value)
        XCTAssertEqual(try JSON.parse("1e3").integralValue, 1000)
    }

    func testStringsEscapesAndOrder() throws {
        let json = try JSON.parse(#"{"z": "caf\u00e9 \ud83d\ude42 \"q\"\n", "a": 1}"#)
        XCTAssertEqual(json["z"]?.stringValue, "café 🙂 \"q\"\n")
        XCTAssertEqual(json.objectValue?.keys, ["z", "a"])
        XCTAssertEqual(json.serialized(), #"{"z":"café 🙂 \"q\"\n","a":1}"#)
        XCTAssertEqual(json.serialized(sortKeys: true), #"{"a":1,"z":"café 🙂 \"q\"\n"}"#)
    }

    func testIndentedOutputMatchesPythonLayout() {
        let json: JSON = ["b": [1, 2], "a": [:], "c": []]
        XCTAssertEqual(json.serialized(indent: 4, sortKeys: true), "{\n    \"a\": {},\n    \"b\": [\n        1,\n        2\n    ],\n    \"c\": []\n}")
    }

    func testMalformedDocumentsAreTypedErrors() {
        for text in ["{not json", "[1,]", "{\"a\" 1}", "\"unterminated", "01", "-", "[1] x", ""] {
            XCTAssertThrowsError(try JSON.parse(text), text) { error in
                XCTAssertEqual((error as? ZarrError)?.kind, .invalidMetadata, text)
            }
        }
    }

    func testAbsurdNestingIsRefusedNotACrash() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        XCTAssertThrowsError(try JSON.parse(deep)) { XCTAssertTrue("\($0)".contains("nesting")) }
    }

    func testFloatFormattingFollowsPythonRepr() {
        XCTAssertEqual(JSON.double(1).serialized(), "1.0")
        XCTAssertEqual(JSON.double(0.1).serialized(), "0.1")
        XCTAssertEqual(JSON.double(Double(Float(0.1))).serialized(), "0.10000000149011612")
        XCTAssertEqual(JSON.double(-0.0).serialized(), "-0.0")
        XCTAssertEqual(JSON.double(.nan).serialized(), "NaN")
    }
}
