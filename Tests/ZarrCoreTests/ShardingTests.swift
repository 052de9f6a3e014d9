import Foundation
import XCTest
@testable import ZarrCore

/// SH-01…SH-14 and E-37…E-48.
final class ShardingTests: XCTestCase {
    /// Records every range read, to check that partial reads fetch only what they need.
    final class CountingStore: Store, @unchecked Sendable {
        let base = MemoryStore()
        private let lock = NSLock()
        private(set) var reads: [(String, ByteRange)] = []
        func get(_ key: String, range: ByteRange) throws -> [UInt8]? {
            lock.withLock { reads.append((key, range)) }
            return try base.get(key, range: range)
        }
        func size(_ key: String) throws -> Int? { try base.get(key)?.count }
        func set(_ key: String, _ value: [UInt8]) throws { try base.set(key, value) }
        func erase(_ key: String) throws { try base.erase(key) }
        func list(prefix: String) throws -> [String] { try base.list(prefix: prefix) }
        func listDir(_ prefix: String) throws -> (keys: [String], prefixes: [String]) { try base.listDir(prefix) }
        func reset() { lock.withLock { reads = [] } }
    }

    func metadata(codecs: JSON, shape: [Int] = [8, 8], shard: [Int] = [8, 8], fill: Int = -1) throws -> ArrayMetadataV3 {
        try ArrayMetadataV3.parse(.object(JSONObject([
            ("zarr_format", 3), ("node_type", "array"), ("shape", .array(shape.map { .int($0) })), ("data_type", "int32"),
            ("chunk_grid", ["name": "regular", "configuration": ["chunk_shape": .array(shard.map { .int($0) })]]),
            ("chunk_key_encoding", ["name": "default"]), ("fill_value", .int(fill)), ("codecs", codecs),
        ])))
    }

    func sharding(_ inner: [Int] = [2, 2], location: String = "end", index: JSON = [["name": "bytes", "configuration": ["endian": "little"]], "crc32c"],
                  codecs: JSON = [["name": "bytes", "configuration": ["endian": "little"]]]) -> JSON {
        [["name": "sharding_indexed", "configuration": ["chunk_shape": .array(inner.map { .int($0) }), "codecs": codecs,
                                                        "index_codecs": index, "index_location": .string(location)]]]
    }

    func ints(_ data: ChunkData) -> [Int32] {
        guard case .fixed(let b) = data else { return [] }
        return stride(from: 0, to: b.count, by: 4).map { i in b.withUnsafeBytes { Int32(littleEndian: $0.loadUnaligned(fromByteOffset: i, as: Int32.self)) } }
    }

    func data(_ n: Int) -> ChunkData { .fixed((0..<n).flatMap { withUnsafeBytes(of: Int32($0).littleEndian, Array.init) }) }

    func testRoundTripBothIndexLocationsAndIndexSize() throws {
        for location in ["end", "start"] {
            let store = MemoryStore()
            let a = try ZarrArray.create(store: store, path: "", metadata: .v3(try metadata(codecs: sharding(location: location))))
            try a.write(data(64))
            XCTAssertEqual(ints(try a.read()), (0..<64).map(Int32.init), location)
            // SH-09: 16 inner chunks → 16·16 + 4 bytes of index; each inner chunk 2×2 int32 = 16 bytes.
            XCTAssertEqual(try store.get("c/0/0")?.count, 16 * 16 + 4 + 16 * 16)
            let shard = try store.get("c/0/0")!
            let index = location == "end" ? Array(shard.suffix(260)) : Array(shard.prefix(260))
            let first = index.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
            XCTAssertEqual(first, location == "end" ? 0 : 260, "SH-10: offsets include the index when it comes first")
        }
    }

    func testPartialReadFetchesOnlyTheIndexAndNeededChunks() throws {
        // SH-14 / E-47: one element needs the index and one inner chunk, never the whole shard.
        let store = CountingStore()
        let a = try ZarrArray.create(store: store, path: "", metadata: .v3(try metadata(codecs: sharding(codecs: [["name": "bytes", "configuration": ["endian": "little"]], ["name": "zstd", "configuration": ["level": 1]]]))))
        try a.write(data(64))
        store.reset()
        XCTAssertEqual(ints(try a.read([Slice(5, 6), Slice(2, 3)])), [42])
        let ranges = store.reads.filter { $0.0 == "c/0/0" }.map(\.1)
        XCTAssertEqual(ranges.count, 2, "\(ranges)")
        XCTAssertEqual(ranges.first, .suffix(260))
        XCTAssertFalse(ranges.contains(.all))
    }

    func testEmptyInnerChunksAndMissingShards() throws {
        // SH-06 / SH-13 / E-37 / E-38: all-fill inner chunks get the sentinel; a missing shard reads as fill.
        let store = MemoryStore()
        let a = try ZarrArray.create(store: store, path: "", metadata: .v3(try metadata(codecs: sharding(), shape: [16, 8])))
        try a.write(.fixed((0..<4).flatMap { withUnsafeBytes(of: Int32(7 + $0).littleEndian, Array.init) }), [Slice(2, 4), Slice(2, 4)])
        XCTAssertNil(try store.get("c/1/0"), "a shard of fill values is not written")
        XCTAssertEqual(try store.get("c/0/0")?.count, 260 + 16)
        let all = ints(try a.read())
        XCTAssertEqual(all.filter { $0 != -1 }, [7, 8, 9, 10])
        XCTAssertEqual(all.count, 128)
    }

    func testNestedShardingAndShardingAfterTranspose() throws {
        // E-41 / E-45.
        let nested = sharding([4, 4], codecs: sharding([2, 2]))
        let a = try ZarrArray.create(store: MemoryStore(), path: "", metadata: .v3(try metadata(codecs: nested)))
        try a.write(data(64))
        XCTAssertEqual(ints(try a.read([Slice(1, 7, step: 3), Slice(0, 8, step: 7)])), [8, 15, 32, 39])
        let transposed: [JSON] = [["name": "transpose", "configuration": ["order": [1, 0]]]] + (sharding([4, 2]).arrayValue ?? [])
        let b = try ZarrArray.create(store: MemoryStore(), path: "", metadata: .v3(try metadata(codecs: .array(transposed), shard: [4, 8])))
        try b.write(data(64))
        XCTAssertEqual(ints(try b.read()), (0..<64).map(Int32.init))
    }

    func testInvalidConfigurations() {
        // E-44: a compressor in index_codecs; E-46: inner shape does not divide.
        let gzipIndex: JSON = [["name": "bytes", "configuration": ["endian": "little"]], ["name": "gzip", "configuration": ["level": 1]]]
        XCTAssertThrowsError(try metadata(codecs: sharding(index: gzipIndex)).codecChain()) { XCTAssertTrue("\($0)".contains("fixed encoded size"), "\($0)") }
        XCTAssertThrowsError(try metadata(codecs: sharding([3, 2])).codecChain()) { XCTAssertTrue("\($0)".contains("does not divide"), "\($0)") }
    }

    /// Writes a shard whose index has no checksum, then edits entries to build each corruption.
    func corrupt(_ edit: (inout [UInt64]) -> Void, shorten: Int = 0) throws -> Error? {
        let store = MemoryStore()
        let a = try ZarrArray.create(store: store, path: "", metadata: .v3(try metadata(codecs: sharding(index: [["name": "bytes", "configuration": ["endian": "little"]]]))))
        try a.write(data(64))
        var shard = try store.get("c/0/0")!
        var entries = shard.suffix(256).withUnsafeBytes { p in (0..<32).map { UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self)) } }
        edit(&entries)
        shard = Array(shard.prefix(shard.count - 256)) + entries.flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) }
        try store.set("c/0/0", Array(shard.dropLast(shorten)))
        do { _ = try a.read(); return nil } catch { return error }
    }

    func testCorruptIndexesAreTypedErrors() throws {
        let cases: [(String, (inout [UInt64]) -> Void, Int)] = [
            ("runs past", { $0[0] = 500 }, 0),  // E-48
            ("runs past", { $0[0] = UInt64.max - 4; $0[1] = 16 }, 0),  // offset + nbytes overflows
            ("overlap", { $0[2] = $0[0] + 8 }, 0),
            ("one empty sentinel", { $0[0] = UInt64.max }, 0),
            ("overlaps the index", { $0[0] = 250; $0[1] = 10 }, 0),
            ("shorter than its", { _ in }, 300),
        ]
        for (needle, edit, shorten) in cases {
            let error = try corrupt(edit, shorten: shorten)
            XCTAssertEqual((error as? ZarrError)?.kind, .corruptData, needle)
            XCTAssertEqual((error as? ZarrError)?.key, "c/0/0", needle)
            XCTAssertTrue("\(error.map { "\($0)" } ?? "no error")".contains(needle), "\(String(describing: error)) lacks '\(needle)'")
        }
        XCTAssertNil(try corrupt({ entries in for i in 0..<32 { entries[i] = UInt64.max } }), "E-37: an all-empty index reads as fill")
    }

    func testIndexChecksumMismatch() throws {
        // E-40.
        let store = MemoryStore()
        let a = try ZarrArray.create(store: store, path: "", metadata: .v3(try metadata(codecs: sharding())))
        try a.write(data(64))
        var shard = try store.get("c/0/0")!
        shard[shard.count - 10] ^= 1
        try store.set("c/0/0", shard)
        XCTAssertThrowsError(try a.read()) { XCTAssertTrue("\($0)".contains("shard index: checksum mismatch"), "\($0)") }
    }
}
