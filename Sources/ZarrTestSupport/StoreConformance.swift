import Foundation
@preconcurrency import XCTest
import ZarrCore

/// The checks every store passes (memory, directory, zip, HTTP, S3, GCS): a new store is tested
/// by one `checkAll` (or `checkReads`/`checkListing` for what it can do); sync stores through
/// `AsyncStoreAdapter`. Reads: ST-09 (ranges, suffixes), ST-10 (missing is nil, every other
/// failure raised), ST-04 (invalid keys refused), limits. Listing and writing where the store
/// can.
public enum StoreConformance {
    /// What the read checks expect to find (written first by each test, through the store or
    /// beside it).
    public static let fixture: [(key: String, value: [UInt8])] = [
        ("a", Array(0..<100)),
        ("g/zarr.json", Array(#"{"zarr_format":3,"node_type":"group"}"#.utf8)),
        ("g/c/0/0", (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 2654435761 >> 13) }),
        ("g/c/0/1", []),
        ("x/y/z/deep", Array("deep value".utf8)),
        ("sp ace/k%25", Array("odd name".utf8)),
    ]

    public static func populate(_ write: (String, [UInt8]) async throws -> Void) async throws {
        for (key, value) in fixture { try await write(key, value) }
    }

    public static func expectError(
        _ what: String, file: StaticString = #filePath, line: UInt = #line, _ body: () async throws -> Any?, check: (any Error) -> Void = { _ in }
    ) async {
        do {
            let value = try await body()
            XCTFail("\(what): expected an error, got \(String(describing: value))", file: file, line: line)
        } catch { check(error) }
    }

    public static func kind(_ error: any Error) -> ZarrError.Kind? { (error as? ZarrError)?.kind }

    public static func checkReads(_ store: any AsyncReadableStore, file: StaticString = #filePath, line: UInt = #line) async throws {
        for (key, value) in fixture {
            let got = try await store.get(key)
            XCTAssertEqual(got, value, "get \(key)", file: file, line: line)
            let size = try await store.size(key)
            XCTAssertEqual(size, value.count, "size \(key)", file: file, line: line)
            guard value.count >= 10 else { continue }
            let n = value.count
            for (offset, length) in [(0, 1), (3, 7), (n / 2, n / 3), (n - 1, 1), (0, n)] {
                let part = try await store.get(key, range: .range(offset: offset, length: length))
                XCTAssertEqual(part, Array(value[offset..<offset + length]), "\(key)[\(offset)+\(length)] (ST-09)", file: file, line: line)
            }
            for suffix in [1, 9, n] {
                let tail = try await store.get(key, range: .suffix(suffix))
                XCTAssertEqual(tail, Array(value.suffix(suffix)), "\(key)[-\(suffix)] (ST-09)", file: file, line: line)
            }
            let empty = try await store.get(key, range: .range(offset: n, length: 0))
            XCTAssertEqual(empty, [], "\(key): an empty range at the end", file: file, line: line)
            // Out of range: an error, never nil and never fewer bytes (ST-10).
            await expectError("\(key) range past the end", file: file, line: line, { try await store.get(key, range: .range(offset: n - 5, length: 10)) }) {
                XCTAssertEqual(kind($0), .corruptData, "\($0)", file: file, line: line)
            }
            await expectError("\(key) range after the end", file: file, line: line, { try await store.get(key, range: .range(offset: n + 1, length: 1)) }) {
                XCTAssertEqual(kind($0), .corruptData, "\($0)", file: file, line: line)
            }
            await expectError("\(key) suffix longer than the value", file: file, line: line, { try await store.get(key, range: .suffix(n + 1)) }) {
                XCTAssertEqual(kind($0), .corruptData, "\($0)", file: file, line: line)
            }
            // Limits: refused, whether the whole value or a range is asked for.
            await expectError("\(key) over its limit", file: file, line: line, { try await store.get(key, range: .all, limit: n - 1) }) {
                XCTAssertEqual(kind($0), .corruptData, "\($0)", file: file, line: line)
                XCTAssertTrue("\($0)".contains(key), "the error names the key: \($0)", file: file, line: line)
            }
            await expectError("\(key) range over its limit", file: file, line: line, { try await store.get(key, range: .range(offset: 0, length: 5), limit: 4) }) {
                XCTAssertEqual(kind($0), .corruptData, "\($0)", file: file, line: line)
            }
        }
        // Missing keys are nil, whatever is asked (ST-10).
        for key in ["missing", "g/c/9/9", "g/zarr.json/below"] {
            let all = try await store.get(key)
            XCTAssertNil(all, "missing \(key)", file: file, line: line)
            let part = try await store.get(key, range: .range(offset: 2, length: 3))
            XCTAssertNil(part, "missing \(key) range", file: file, line: line)
            let tail = try await store.get(key, range: .suffix(4))
            XCTAssertNil(tail, "missing \(key) suffix", file: file, line: line)
            let size = try await store.size(key)
            XCTAssertNil(size, "missing \(key) size", file: file, line: line)
        }
        // Keys that could escape the root or are not keys at all (ST-04).
        for key in ["", "/a", "a//b", "../a", "g/../a", "a/./b", "a\\b", "g/"] {
            await expectError("invalid key '\(key)'", file: file, line: line, { try await store.get(key) }) {
                XCTAssertEqual(kind($0), .invalidArgument, "\($0)", file: file, line: line)
            }
        }
        // Many reads at once, in order; several ranges of one value, merged or not, the same bytes.
        let requests = fixture.map { StoreRequest($0.key) } + [StoreRequest("missing")]
        let many = try await store.getMany(requests, concurrency: 4)
        XCTAssertEqual(many, fixture.map(\.value) + [nil], file: file, line: line)
        let chunk = fixture[2].value
        let ranges: [ByteRange] = [.range(offset: 0, length: 10), .range(offset: 100, length: 50), .range(offset: 120, length: 10), .suffix(16), .range(offset: 4000, length: 1000)]
        for coalescing in [RangeCoalescing(), .none] {
            let parts = try await store.getRanges("g/c/0/0", ranges, coalescing: coalescing)
            XCTAssertEqual(parts, [Array(chunk[0..<10]), Array(chunk[100..<150]), Array(chunk[120..<130]), Array(chunk.suffix(16)), Array(chunk[4000..<5000])], file: file, line: line)
        }
        let absent = try await store.getRanges("missing", ranges)
        XCTAssertNil(absent, file: file, line: line)
        let json = try await store.getJSON("g/zarr.json")
        XCTAssertEqual(json?["node_type"]?.stringValue, "group", file: file, line: line)
    }

    public static func checkListing(_ store: any AsyncListableStore, file: StaticString = #filePath, line: UInt = #line) async throws {
        let all = try await store.list(prefix: "")
        XCTAssertEqual(all, fixture.map(\.key).sorted(), file: file, line: line)
        let group = try await store.list(prefix: "g/")
        XCTAssertEqual(group, ["g/c/0/0", "g/c/0/1", "g/zarr.json"], file: file, line: line)
        let none = try await store.list(prefix: "nope/")
        XCTAssertEqual(none, [], file: file, line: line)
        let dir = try await store.listDir("g/")
        XCTAssertEqual(dir.keys, ["zarr.json"], file: file, line: line)
        XCTAssertEqual(dir.prefixes, ["c"], file: file, line: line)
        let root = try await store.listDir("")
        XCTAssertEqual(root.keys, ["a"], file: file, line: line)
        XCTAssertEqual(root.prefixes, ["g", "sp ace", "x"], file: file, line: line)
        let deep = try await store.listDir("x/y/")
        XCTAssertEqual(deep.keys, [], file: file, line: line)
        XCTAssertEqual(deep.prefixes, ["z"], file: file, line: line)
    }

    public static func checkWrites(_ store: any AsyncStore, file: StaticString = #filePath, line: UInt = #line) async throws {
        try await store.set("w/new", [1, 2, 3])
        var got = try await store.get("w/new")
        XCTAssertEqual(got, [1, 2, 3], file: file, line: line)
        try await store.set("w/new", Array(repeating: 7, count: 300))
        got = try await store.get("w/new")
        XCTAssertEqual(got, Array(repeating: 7, count: 300), "an overwrite replaces the value", file: file, line: line)
        let listed = try await store.list(prefix: "w/")
        XCTAssertEqual(listed, ["w/new"], "an overwrite leaves one key", file: file, line: line)
        try await store.set("w/empty", [])
        let empty = try await store.get("w/empty")
        XCTAssertEqual(empty, [], file: file, line: line)
        let size = try await store.size("w/empty")
        XCTAssertEqual(size, 0, file: file, line: line)
        try await store.erase("w/new")
        try await store.erase("w/empty")
        got = try await store.get("w/new")
        XCTAssertNil(got, "erased", file: file, line: line)
        try await store.erase("w/never-there")
        let after = try await store.list(prefix: "w/")
        XCTAssertEqual(after, [], file: file, line: line)
        for key in ["../escape", "/abs", "a//b"] {
            await expectError("set '\(key)'", file: file, line: line, { try await store.set(key, [1]) }) {
                XCTAssertEqual(kind($0), .invalidArgument, "\($0)", file: file, line: line)
            }
        }
    }

    /// Everything above on a store that starts empty and can be written.
    public static func checkAll(_ store: any AsyncStore, file: StaticString = #filePath, line: UInt = #line) async throws {
        try await populate { try await store.set($0, $1) }
        try await checkReads(store, file: file, line: line)
        try await checkListing(store, file: file, line: line)
        try await checkWrites(store, file: file, line: line)
    }
}
