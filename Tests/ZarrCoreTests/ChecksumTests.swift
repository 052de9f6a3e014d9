import CZarrCRC32C
import XCTest
@testable import ZarrCore

final class ChecksumTests: XCTestCase {
    let check = Array("123456789".utf8)

    func testCRC32CStandardCheckValue() {
        // TV-06 / CC-03: CRC-32C("123456789") = 0xE3069283, on both the SSE4.2 and the table path.
        check.withUnsafeBytes { p in
            XCTAssertEqual(zarr_crc32c(0, p.baseAddress, p.count), 0xE306_9283)
            XCTAssertEqual(zarr_crc32c_portable(0, p.baseAddress, p.count), 0xE306_9283)
        }
    }

    func testCRC32CPathsAgreeOnEveryLength() {
        let data = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        data.withUnsafeBytes { p in
            for n in 0..<100 {
                XCTAssertEqual(zarr_crc32c(0, p.baseAddress, n), zarr_crc32c_portable(0, p.baseAddress, n), "length \(n)")
            }
        }
    }

    func testCRC32AndAdler32CheckValues() {
        check.withUnsafeBytes { p in
            XCTAssertEqual(Zlib.crc32(p), 0xCBF4_3926)  // TV-06
            XCTAssertEqual(Zlib.adler32(p), 0x091E_01DE)  // Adler-32 standard check value
        }
    }

    func testJenkinsLookup3PublishedValues() {
        // TV-04: the values from lookup3.c's own self-test.
        XCTAssertEqual(Checksums.lookup3([], initval: 0), 0xDEAD_BEEF)
        XCTAssertEqual(Checksums.lookup3([], initval: 0xDEAD_BEEF), 0xBD5B_7DDE)
        let text = Array("Four score and seven years ago".utf8)
        XCTAssertEqual(Checksums.lookup3(text, initval: 0), 0x1777_0551)
        XCTAssertEqual(Checksums.lookup3(text, initval: 1), 0xCD62_8161)
    }

    func testChecksumCodecLocationsAndMismatch() throws {
        let payload: [UInt8] = [1, 2, 3, 4, 5]
        let start = ChecksumCodec(.crc32)  // NC-20: start by default
        let encoded = try start.encode(payload)
        XCTAssertEqual(Array(encoded.suffix(5)), payload)
        XCTAssertEqual(try start.decode(encoded, expectedSize: 5, limit: 100), payload)
        let end = ChecksumCodec(.crc32c)  // NC-22: end by default
        XCTAssertEqual(Array(try end.encode(payload).prefix(5)), payload)
        var broken = encoded
        broken[6] ^= 1
        XCTAssertThrowsError(try start.decode(broken, expectedSize: 5, limit: 100)) {
            XCTAssertEqual(($0 as? ZarrError)?.kind, .corruptData)
            XCTAssertTrue("\($0)".contains("checksum mismatch"))
        }
        XCTAssertThrowsError(try end.decode([1, 2], expectedSize: nil, limit: 100))
    }
}
