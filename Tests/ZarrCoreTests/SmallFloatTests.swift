import XCTest
@testable import ZarrCore

/// EX-D02…EX-D05: the narrow float formats, on published values and on every code.
final class SmallFloatTests: XCTestCase {
    func format(_ name: String) -> SmallFloatFormat { SmallFloatFormat.named(name) ?? .bfloat16 }

    func testKnownCodes() {
        XCTAssertEqual(SmallFloatFormat.bfloat16.encode(1), 0x3F80)
        XCTAssertEqual(SmallFloatFormat.bfloat16.encode(1.0 / 3.0), 0x3EAB)  // rounds to nearest
        XCTAssertEqual(SmallFloatFormat.float16.encode(65504), 0x7BFF)
        XCTAssertEqual(SmallFloatFormat.float16.encode(65520), 0x7C00)  // halfway past max rounds to infinity
        XCTAssertEqual(format("float8_e4m3").encode(1), 0x38)
        XCTAssertEqual(format("float8_e4m3").encode(240), 0x77)  // largest finite of the IEEE-like e4m3
        XCTAssertEqual(format("float8_e5m2").encode(1), 0x3C)
        XCTAssertEqual(format("float8_e4m3fn").encode(448), 0x7E)
        XCTAssertEqual(format("float8_e4m3fn").encode(.nan), 0x7F)
        XCTAssertNil(format("float8_e4m3fn").encode(.infinity))
        XCTAssertEqual(format("float8_e4m3fnuz").encode(-0.0), 0x00, "no negative zero")
        XCTAssertEqual(format("float8_e4m3fnuz").encode(.nan), 0x80)
        XCTAssertEqual(format("float8_e8m0fnu").encode(1), 0x7F)
        XCTAssertEqual(format("float8_e8m0fnu").encode(0), 0x00, "nearest to zero is 2^-127")
        XCTAssertTrue(format("float8_e8m0fnu").decode(0xFF).isNaN)
        let e2m1 = format("float4_e2m1fn")
        XCTAssertEqual([0, 0.5, 1, 1.5, 2, 3, 4, 6].map { e2m1.encode($0) }, [0, 1, 2, 3, 4, 5, 6, 7])
        XCTAssertEqual(e2m1.encode(5), 6, "ties go to the even code (4.0)")
        XCTAssertEqual(e2m1.encode(-1), 0b1010)
        XCTAssertNil(e2m1.encode(8), "a finite-only format has no value past 6")
        XCTAssertEqual(format("float6_e3m2fn").decode(0b011111), 28)
    }

    func testEveryCodeRoundTrips() {
        for f in SmallFloatFormat.all + [.bfloat16, .float16] {
            for code in 0..<(UInt32(1) << UInt32(f.bits)) {
                let v = f.decode(code)
                if v.isNaN { continue }
                if v == 0 && f.specials == .nanIsNegativeZero { continue }
                XCTAssertEqual(f.encode(v), code, "\(f.name) code \(code) = \(v)")
            }
        }
    }

    func testFloat16AgreesWithSwift() {
        for d in [0.1, 1e-7, 3.14159, -2.5e4, 6.1e-5, 1e-8] {
            XCTAssertEqual(SmallFloatFormat.float16.encode(d).map { UInt16($0) }, Float16(d).bitPattern, "\(d)")
        }
    }
}
