import Foundation
import XCTest
import ZarrCore
import ZarrTestSupport
@testable import ZarrRemote

/// Zip stores beyond the shared suite: zip64, names that escape the root, duplicates (ST-08),
/// ranges of stored entries, and the committed fixtures zipped.
final class ZipStoreTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "zarr-zip-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// Runs Python's zipfile (the writer most zips of Zarr data come from) with `code`.
    func python(_ code: String, stdin: String = "") throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", code]
        let input = Pipe()
        process.standardInput = input
        try process.run()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "python failed")
    }

    func testZip64WithMoreThan65535Entries() throws {
        let path = dir + "/many.zip"
        try python("""
        import zipfile
        with zipfile.ZipFile("\(path)", "w", zipfile.ZIP_STORED) as z:
            for i in range(65600):
                z.writestr(f"c/{i}", i.to_bytes(4, "little"))
            z.writestr(zipfile.ZipInfo("big"), bytes(range(256)) * 40, compress_type=zipfile.ZIP_DEFLATED)
        """)
        let start = Date()
        let store = try ZipStore(path: path)
        print("opened a zip64 archive of 65,601 entries in \(String(format: "%.2f", Date().timeIntervalSince(start))) s")
        XCTAssertEqual(try store.list(prefix: "c/").count, 65600)
        for i in [0, 1, 65535, 65536, 65599] {
            XCTAssertEqual(try store.get("c/\(i)"), withUnsafeBytes(of: UInt32(i).littleEndian, Array.init))
        }
        XCTAssertEqual(try store.get("c/65599", range: .suffix(2)), [1, 0])  // 65599 = 0x1003F
        XCTAssertEqual(try store.get("big"), Array((0..<40).flatMap { _ in 0..<256 }.map(UInt8.init)))
        XCTAssertEqual(try store.get("big", range: .range(offset: 300, length: 4)), [44, 45, 46, 47])
    }

    func testForcedZip64EntriesStoredAndDeflated() throws {
        let path = dir + "/z64.zip"
        try python("""
        import zipfile
        with zipfile.ZipFile("\(path)", "w") as z:
            for name, method in (("s", zipfile.ZIP_STORED), ("d", zipfile.ZIP_DEFLATED)):
                with z.open(zipfile.ZipInfo(name), "w", force_zip64=True) as f:
                    pass
            for name, method in (("g/stored", zipfile.ZIP_STORED), ("g/deflated", zipfile.ZIP_DEFLATED)):
                info = zipfile.ZipInfo(name); info.compress_type = method
                with z.open(info, "w", force_zip64=True) as f:
                    f.write(bytes(i % 251 for i in range(100000)))
        """)
        let store = try ZipStore(path: path)
        let expected = (0..<100_000).map { UInt8($0 % 251) }
        for key in ["g/stored", "g/deflated"] {
            XCTAssertEqual(try store.get(key), expected, key)
            XCTAssertEqual(try store.size(key), 100_000)
            XCTAssertEqual(try store.get(key, range: .range(offset: 50_000, length: 1000)), Array(expected[50_000..<51_000]))
            XCTAssertEqual(try store.get(key, range: .suffix(300)), Array(expected.suffix(300)))
        }
        XCTAssertEqual(try store.get("s"), [])
    }

    func testNamesThatEscapeTheRootAreRefused() throws {
        for name in ["../evil", "/abs/key", "a/../../b", "a//b", "a\\\\b", "./x"] {
            let path = dir + "/evil-\(UUID().uuidString).zip"
            try python("""
            import zipfile
            with zipfile.ZipFile("\(path)", "w") as z:
                z.writestr("ok", b"1")
                z.writestr(zipfile.ZipInfo("\(name)"), b"evil")
            """)
            XCTAssertThrowsError(try ZipStore(path: path), name) {
                let e = $0 as? ZarrError
                XCTAssertEqual(e?.kind, .corruptData, "\($0)")
                XCTAssertTrue(e?.message.contains("escape") ?? false, "\($0)")
            }
        }
    }

    func testDuplicateNamesTakeTheLastEntry() throws {
        let path = dir + "/dup.zip"
        try python("""
        import zipfile, warnings
        warnings.simplefilter("ignore")
        with zipfile.ZipFile("\(path)", "w") as z:
            z.writestr("k", b"first")
            z.writestr("dir/", b"")
            z.writestr("k", b"second, longer")
        """)
        let store = try ZipStore(path: path)
        XCTAssertEqual(try store.get("k"), Array("second, longer".utf8), "ST-08: the last entry wins")
        XCTAssertEqual(try store.list(prefix: ""), ["k"], "directory entries are not keys")
    }

    func testStoredRangeReadsAllocateOnlyTheRange() throws {
        // 32 MiB stored: a suffix read under a 16-byte limit succeeds (the range is all that is read).
        let path = dir + "/big.zip"
        try python("""
        import zipfile
        with zipfile.ZipFile("\(path)", "w", zipfile.ZIP_STORED) as z:
            z.writestr("shard", bytes(32 << 20)[:-16] + bytes(range(16)))
        """)
        let store = try ZipStore(path: path)
        XCTAssertEqual(try store.get("shard", range: .suffix(16), limit: 16), Array(0..<16))
        XCTAssertThrowsError(try store.get("shard", range: .all, limit: 1 << 20)) { XCTAssertEqual(($0 as? ZarrError)?.kind, .corruptData) }
    }

    func testNotAZip() throws {
        let path = dir + "/not.zip"
        try Data("hello".utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try ZipStore(path: path)) { XCTAssertEqual(($0 as? ZarrError)?.kind, .corruptData) }
        XCTAssertThrowsError(try ZipStore(path: dir + "/absent.zip")) { XCTAssertEqual(($0 as? ZarrError)?.kind, .notFound) }
    }

    /// Every committed fixture, zipped stored and deflated by Python's zipfile, reads back byte
    /// for byte as the directory store reads it.
    func testFixturesZippedReadBackIdentically() throws {
        let root = TestServers.repoRoot + "/Vectors/fixtures"
        let directory = FilesystemStore(root: root)
        let keys = try directory.list(prefix: "")
        XCTAssertGreaterThan(keys.count, 5000)
        for (name, method) in [("stored", "ZIP_STORED"), ("deflated", "ZIP_DEFLATED")] {
            let path = dir + "/fixtures-\(name).zip"
            try python("""
            import sys, zipfile
            with zipfile.ZipFile("\(path)", "w", zipfile.\(method)) as z:
                for key in sys.stdin.read().split("\\n"):
                    if key:
                        z.write("\(root)/" + key, key)
            """, stdin: keys.joined(separator: "\n"))
            let zip = try ZipStore(path: path)
            XCTAssertEqual(try zip.list(prefix: ""), keys)
            var compared = 0
            for key in keys {
                guard let expected = try? directory.get(key) else { continue }  // unreadable on purpose (spec fixtures)
                XCTAssertEqual(try zip.get(key), expected, "\(name): \(key)")
                compared += 1
            }
            XCTAssertGreaterThan(compared, keys.count - 10)
            // A node inside the zip through a location.
            let location = try Location.parse(path + "/v3/zarr-python-3.1.6/hierarchy-node.zarr")
            XCTAssertEqual(location.kind, .zip)
            XCTAssertEqual(location.path, "v3/zarr-python-3.1.6/hierarchy-node.zarr")
            let doc = try BlockingStore(location.store).getJSON(location.path + "/zarr.json")
            XCTAssertEqual(doc?["node_type"]?.stringValue, "group")
        }
    }
}
