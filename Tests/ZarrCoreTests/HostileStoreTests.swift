import Foundation
import XCTest
@testable import ZarrCore
#if canImport(Glibc)
import Glibc
#endif

/// Stores written by strangers: each test here reproduces a defect of the first wave (a crash,
/// a hang, a read or write outside the store, or a huge allocation from a few bytes).
final class HostileStoreTests: XCTestCase {
    var directory: String!
    var outside: String!

    override func setUpWithError() throws {
        let base = NSTemporaryDirectory() + "zarr-hostile-\(UUID().uuidString)"
        directory = base + "/store"
        outside = base + "/outside"
        for d in [directory!, outside!] { try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true) }
        try Data("TOP-SECRET".utf8).write(to: URL(fileURLWithPath: outside + "/secret"))
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: (directory as NSString).deletingLastPathComponent)
    }

    func link(_ key: String, to target: String) throws {
        try FileManager.default.createSymbolicLink(atPath: directory + "/" + key, withDestinationPath: target)
    }

    func v2(_ store: any Store, shape: [Int], chunks: [Int], dtype: String, extra: String = "") throws {
        let text = #"{"zarr_format":2,"shape":\#(shape),"chunks":\#(chunks),"dtype":"\#(dtype)","compressor":null,"fill_value":0,"order":"C","filters":null\#(extra)}"#
        try store.set(".zarray", Array(text.utf8))
    }

    func assertError(_ body: @autoclosure () throws -> Any?, key: String, contains text: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            XCTAssertEqual((error as? ZarrError)?.key, key, "\(error)", file: file, line: line)
            XCTAssertTrue("\(error)".contains(text), "\(error) lacks '\(text)'", file: file, line: line)
        }
    }

    // MARK: 1. Wrong-sized buffers between codec steps

    func testFilterOfAnotherDtypeBeforeTransposeIsCorruptDataNamingTheCodec() throws {
        // order F + delta(dtype <i2, astype <i8) on an <i4 array: the chunk is the right size for
        // the chain (16 × 8 bytes), the filter gives 16 × 2 bytes, the transpose needs 16 × 4.
        // The first wave handed that buffer to the permutation: a heap overflow.
        let store = MemoryStore()
        try store.set(".zarray", Array(#"{"zarr_format":2,"shape":[4,4],"chunks":[4,4],"dtype":"<i4","compressor":null,"fill_value":0,"order":"F","filters":[{"id":"delta","dtype":"<i2","astype":"<i8"}]}"#.utf8))
        try store.set("0.0", (0..<16).flatMap { withUnsafeBytes(of: Int64($0).littleEndian, Array.init) })
        let array = try ZarrArray.open(store: store)
        XCTAssertThrowsError(try array.read()) { error in
            let e = error as? ZarrError
            XCTAssertEqual(e?.kind, .corruptData, "\(error)")
            XCTAssertEqual(e?.key, "0.0")
            XCTAssertEqual(e?.codec, "numcodecs.delta")
        }
    }

    func testTransposeRefusesABufferOfTheWrongSize() {
        XCTAssertThrowsError(try TransposeCodec.permute(.fixed([UInt8](repeating: 0, count: 8)), shape: [2, 2], order: [1, 0], itemSize: 4)) { error in
            XCTAssertEqual((error as? ZarrError)?.codec, "transpose")
        }
    }

    // MARK: 2. Special files

    func testFIFOIsAnErrorNotAHang() throws {
        let store = FilesystemStore(root: directory)
        try v2(store, shape: [4], chunks: [4], dtype: "|u1")
        XCTAssertEqual(mkfifo(directory + "/0", 0o644), 0)
        assertError(try store.get("0"), key: "0", contains: "not a regular file")
        assertError(try ZarrArray.open(store: store).read(), key: "0", contains: "not a regular file")
        XCTAssertEqual(mkfifo(directory + "/.zattrs", 0o644), 0)
        assertError(try store.getJSON(".zattrs"), key: ".zattrs", contains: "not a regular file")
    }

    // MARK: 3. Links

    func testLinksOutOfTheStoreAreNeverFollowed() throws {
        let store = FilesystemStore(root: directory)
        try v2(store, shape: [10], chunks: [10], dtype: "|u1")
        try link("0", to: outside + "/secret")  // absolute
        assertError(try store.get("0"), key: "0", contains: "outside the store")
        assertError(try ZarrArray.open(store: store).read(), key: "0", contains: "outside the store")
        try FileManager.default.removeItem(atPath: directory + "/0")
        try link("0", to: "../outside/secret")  // relative
        assertError(try store.get("0"), key: "0", contains: "outside the store")
        // A directory linked out of the store: reads refuse, writes never land outside.
        try link("g", to: outside)
        assertError(try store.get("g/secret"), key: "g/secret", contains: "outside the store")
        assertError(try store.set("g/new", [1]), key: "g/new", contains: "outside the store")
        XCTAssertFalse(FileManager.default.fileExists(atPath: outside + "/new"))
        XCTAssertFalse(try store.list(prefix: "").contains { $0.hasPrefix("g/") || $0 == "0" }, "listings skip links out of the store")
        // Erasing or overwriting a link touches the link, never its target.
        try store.erase("0")
        try store.set("g", [7])
        XCTAssertEqual(try String(contentsOfFile: outside + "/secret", encoding: .utf8), "TOP-SECRET")
        XCTAssertEqual(try store.get("g"), [7])
    }

    func testLinksInsideTheStoreAreFollowed() throws {
        let store = FilesystemStore(root: directory)
        try v2(store, shape: [3], chunks: [3], dtype: "|u1")
        try store.set("data/real", [1, 2, 3])
        try link("0", to: "data/real")
        try link("alias", to: directory + "/data")  // absolute, but inside
        XCTAssertEqual(try store.get("0"), [1, 2, 3])
        XCTAssertEqual(try store.get("alias/real", range: .suffix(1)), [3])
        XCTAssertEqual(try ZarrArray.open(store: store).read(), .fixed([1, 2, 3]))
        // A directory is listed once, however many links lead to it.
        XCTAssertEqual(try store.list(prefix: "").filter { !$0.hasPrefix(".") }, ["0", "data/real"])
        try link("loop", to: "loop")
        assertError(try store.get("loop"), key: "loop", contains: "symbolic link")
    }

    // MARK: 4–5. Sizes checked before anything is allocated

    func testSparseChunkFileIsRefusedByItsSize() throws {
        let store = FilesystemStore(root: directory)
        try v2(store, shape: [100], chunks: [100], dtype: "|u1")
        let fd = open(directory + "/0", O_CREAT | O_WRONLY, 0o644)
        XCTAssertEqual(ftruncate(fd, 8 << 30), 0)
        close(fd)
        assertError(try ZarrArray.open(store: store).read(), key: "0", contains: "more than the")
    }

    func testHeadersThatClaimHugeOutputsAreRefused() throws {
        // numcodecs lz4: a u32 size header claiming 2^31-1 bytes in front of 4 bytes.
        XCTAssertThrowsError(try LZ4.decompress([0xFF, 0xFF, 0xFF, 0x7F, 0, 0, 0, 0], expectedSize: nil, limit: CodecChain.defaultDecodeLimit)) {
            XCTAssertTrue("\($0)".contains("more than LZ4 can expand"), "\($0)")
        }
        // A vlen-utf8 chunk declaring 2^31 items in 12 bytes.
        let store = MemoryStore()
        try store.set(".zarray", Array(#"{"zarr_format":2,"shape":[2],"chunks":[2],"dtype":"|O","compressor":null,"fill_value":null,"order":"C","filters":[{"id":"vlen-utf8"}]}"#.utf8))
        try store.set("0", [0, 0, 0, 0x80, 0, 0, 0, 0, 0, 0, 0, 0])
        assertError(try ZarrArray.open(store: store).read(), key: "0", contains: "items")
        // An N5 object block claiming 4 GiB behind a 6-byte header.
        let n5 = MemoryStore()
        try n5.set("attributes.json", Array(#"{"n5":"4.0.0","dimensions":[2],"blockSize":[2],"dataType":"object","compression":{"type":"gzip"}}"#.utf8))
        try n5.set("0", [0, 2, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0x8B])
        assertError(try ZarrArray.open(store: n5).read(), key: "0", contains: "limit")
    }

    func testFuzzFindingsAreRefusedBeforeAllocating() throws {
        // Found by FuzzCodecChain (Vectors/fuzz-crashes/FuzzCodecChain): a 208-byte blosc chunk of
        // a vlen array whose header claims 0x7FFFFF00 bytes, and an 11-byte N5 object block of
        // lz4 claiming 0x7FFFFFFF. Both allocated about 2 GiB before any decoding.
        let crashes = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Vectors/fuzz-crashes/FuzzCodecChain").path
        let blosc = Array(try XCTUnwrap(FileManager.default.contents(atPath: crashes + "/oom-097a2b246bcb451bb245ad2817c362ce17afca3e")).dropFirst())
        XCTAssertThrowsError(try Blosc.decompress(blosc, expectedSize: nil, limit: CodecChain.defaultDecodeLimit)) {
            XCTAssertTrue("\($0)".contains("more than any blosc codec expands to"), "\($0)")
        }
        let n5 = MemoryStore()
        try n5.set("attributes.json", Array(#"{"n5":"4.0.0","dimensions":[2],"blockSize":[2],"dataType":"object","compression":{"type":"lz4"}}"#.utf8))
        try n5.set("0", [0, 2, 0x7F, 0xFF, 0xFF, 0xFF, 1, 2, 3, 4])
        assertError(try ZarrArray.open(store: n5).read(), key: "0", contains: "cannot hold a bare LZ4 block")
    }

    func testSelectionsArePlannedPerChunkNotPerElement() throws {
        // The first wave built one index pair per element: 4.7 GB to plan a 256 MiB array.
        let plan = try SelectionPlan([Slice(0, 1 << 28)], grid: .regular(try RegularGrid(chunkShape: [1 << 20], arrayShape: [1 << 28])))
        XCTAssertEqual(plan.count, 256)
        let (indices, runs) = plan.chunk(255)
        XCTAssertEqual(indices, [255])
        XCTAssertEqual(runs.first?.count, 1 << 20)
        // A stepped slice across chunks: runs hold the step, outputs stay consecutive.
        let stepped = try SelectionPlan([Slice(1, 10, step: 4)], grid: .regular(try RegularGrid(chunkShape: [3], arrayShape: [10])))
        XCTAssertEqual((0..<stepped.count).map { stepped.chunk($0).runs[0].local }, [1, 2, 0])
        XCTAssertEqual((0..<stepped.count).map { stepped.chunk($0).runs[0].out }, [0, 1, 2])
    }

    // MARK: 6. Work bounded by what is stored and printed

    func testHugeStructuredFieldShapeIsRefusedQuickly() {
        let doc = #"{"zarr_format":2,"shape":[1],"chunks":[1],"dtype":[["a","<i4",[1099511627776]]],"compressor":null,"fill_value":null,"order":"C","filters":null}"#
        XCTAssertThrowsError(try ZarrArray.open(store: { let s = MemoryStore(); try? s.set(".zarray", Array(doc.utf8)); return s }())) { error in
            XCTAssertEqual((error as? ZarrError)?.key, ".zarray")
        }
    }

    func testTinyChunksOnAHugeShapeAreRefusedByName() throws {
        let store = MemoryStore()
        try v2(store, shape: [1 << 30], chunks: [1], dtype: "|u1")
        let array = try ZarrArray.open(store: store)
        XCTAssertThrowsError(try CanonicalDigest.compute(array)) { XCTAssertTrue("\($0)".contains("limit"), "\($0)") }
        XCTAssertThrowsError(try array.read([Slice(0, 1 << 23)])) { XCTAssertTrue("\($0)".contains("limit"), "\($0)") }
        XCTAssertEqual(try array.read([Slice(5, 8)]), .fixed([0, 0, 0]), "small selections still read")
    }

    // MARK: Writes

    func testTemporariesAreSkippedByListings() throws {
        let store = FilesystemStore(root: directory, durable: false)
        try store.set("a/0", [1])
        _ = FileManager.default.createFile(atPath: directory + "/a/.0.1234.partial", contents: Data([9]))
        XCTAssertEqual(try store.list(prefix: ""), ["a/0"])
        XCTAssertEqual(try store.listDir("a/").keys, ["0"])
    }

    func testConcurrentWritesIntoOneShardLoseNothing() throws {
        // 16 inner chunks of one shard written from 16 threads at once, 10 times over: the first
        // wave lost updates in 7 of 20 runs (each writer read the old shard).
        let codecs: JSON = [["name": "sharding_indexed", "configuration": [
            "chunk_shape": [2], "codecs": [["name": "bytes", "configuration": ["endian": "little"]]],
            "index_codecs": [["name": "bytes", "configuration": ["endian": "little"]]], "index_location": "end"]]]
        for round in 0..<10 {
            let store = MemoryStore()
            let meta = try ArrayMetadataV3.parse(.object(JSONObject([
                ("zarr_format", 3), ("node_type", "array"), ("shape", [32]), ("data_type", "uint8"),
                ("chunk_grid", ["name": "regular", "configuration": ["chunk_shape": [32]]]),
                ("chunk_key_encoding", ["name": "default"]), ("fill_value", 0), ("codecs", codecs),
            ])))
            try ZarrArray.create(store: store, path: "", metadata: .v3(meta))
            // Two handles on the same store, as two parts of a program would have.
            let handles = [try ZarrArray.open(store: store), try ZarrArray.open(store: store)]
            DispatchQueue.concurrentPerform(iterations: 16) { i in
                try? handles[i % 2].write(.fixed([UInt8(i + 1), UInt8(i + 1)]), [Slice(2 * i, 2 * i + 2)])
            }
            let expected = (0..<16).flatMap { [UInt8($0 + 1), UInt8($0 + 1)] }
            XCTAssertEqual(try ZarrArray.open(store: store).read(), .fixed(expected), "round \(round)")
        }
    }
}
