import Foundation
import XCTest
@testable import ZarrCore

final class ChecksumTests: XCTestCase {
    let check = Array("123456789".utf8)

    func testCRC32CStandardCheckValue() {
        // TV-06 / CC-02: CRC-32C("123456789") = 0xE3069283 through ISA-L's crc32_iscsi (initial
        // register ~0, final inversion done by the wrapper); empty input is 0.
        XCTAssertEqual(check.withUnsafeBytes { ISAL.crc32c($0) }, 0xE306_9283)
        XCTAssertEqual([UInt8]().withUnsafeBytes { ISAL.crc32c($0) }, 0)
    }

    func testCRC32CRFC3720VectorsAndStoredByteOrder() throws {
        // RFC 3720 B.4 (iSCSI CRC examples): 32 bytes of zeros, of ones, ascending, descending.
        // The RFC lists each CRC in the byte order it is sent: little-endian, as the crc32c codec stores it (CC-02).
        let vectors: [([UInt8], UInt32, [UInt8])] = [
            ([UInt8](repeating: 0, count: 32), 0x8A91_36AA, [0xAA, 0x36, 0x91, 0x8A]),
            ([UInt8](repeating: 0xFF, count: 32), 0x62A8_AB43, [0x43, 0xAB, 0xA8, 0x62]),
            ((0..<32).map { UInt8($0) }, 0x46DD_794E, [0x4E, 0x79, 0xDD, 0x46]),
            ((0..<32).map { UInt8(31 - $0) }, 0x113F_DB5C, [0x5C, 0xDB, 0x3F, 0x11]),
        ]
        var codec = ChecksumCodec(.crc32c)
        codec.v3Name = "crc32c"
        for (data, crc, stored) in vectors {
            XCTAssertEqual(data.withUnsafeBytes { ISAL.crc32c($0) }, crc)
            XCTAssertEqual(Array(try codec.encode(data).suffix(4)), stored)
        }
        let data = (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }
        XCTAssertEqual(try codec.decode(try codec.encode(data), expectedSize: data.count, limit: 1 << 20), data)
    }

    func testCRC32CAgreesWithCommittedFixtures() throws {
        // CC-02: every chunk the other implementations wrote with a trailing crc32c (tensorstore and
        // zarr-python 3, v3) ends with the little-endian CRC-32C of what precedes it.
        let vectors = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Vectors/fixtures/v3").path
        var checked = 0
        for writer in ["tensorstore-0.1.86", "zarr-python-3.1.6"] {
            let root = vectors + "/" + writer + "/crc32c.zarr/c"
            let keys = try XCTUnwrap(FileManager.default.subpathsOfDirectory(atPath: root))
            for key in keys {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: root + "/" + key, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
                let chunk = try XCTUnwrap(FileManager.default.contents(atPath: root + "/" + key))
                let payload = chunk.dropLast(4)
                let stored = chunk.suffix(4).reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                XCTAssertEqual(Array(payload).withUnsafeBytes { ISAL.crc32c($0) }, stored, "\(writer) \(key)")
                checked += 1
            }
        }
        XCTAssertGreaterThanOrEqual(checked, 6)
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
