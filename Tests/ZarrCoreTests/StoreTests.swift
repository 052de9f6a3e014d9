import Foundation
import XCTest
@testable import ZarrCore

final class StoreTests: XCTestCase {
    var directory: String!

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "zarr-store-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    /// The shared store suite: every store gives the same answers.
    func exercise(_ store: any Store) throws {
        XCTAssertNil(try store.get("missing"), "a missing key is absent, not an error (ST-10)")
        try store.set("a/b/c", Array("0123456789".utf8))
        try store.set("a/d", [1])
        XCTAssertEqual(try store.get("a/b/c", range: .range(offset: 2, length: 3)), Array("234".utf8))
        XCTAssertEqual(try store.get("a/b/c", range: .suffix(4)), Array("6789".utf8))
        XCTAssertEqual(try store.get("a/b/c", range: .range(offset: 10, length: 0)), [])
        XCTAssertThrowsError(try store.get("a/b/c", range: .range(offset: 8, length: 5)))
        XCTAssertThrowsError(try store.get("a/b/c", range: .suffix(11)))
        XCTAssertEqual(try store.list(prefix: "a/"), ["a/b/c", "a/d"])
        let dir = try store.listDir("a/")
        XCTAssertEqual(dir.keys, ["d"])
        XCTAssertEqual(dir.prefixes, ["b"])
        try store.erase("a/d")
        XCTAssertNil(try store.get("a/d"))
        for bad in ["../escape", "/abs", "a/../b", "a\\b", "a\0b", "a//b", ""] {
            XCTAssertThrowsError(try store.get(bad), bad)
            XCTAssertThrowsError(try store.set(bad, [1]), bad)
        }
    }

    func testMemoryStore() throws { try exercise(MemoryStore()) }

    func testFilesystemStore() throws {
        let store = FilesystemStore(root: directory)
        try exercise(store)
        // Atomic writes leave no temporary file behind.
        try store.set("x", [1, 2, 3])
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
        XCTAssertFalse(names.contains { $0.hasSuffix(".partial") }, "\(names)")
    }

    func testSymlinkLoopDoesNotHangListing() throws {
        try FileManager.default.createDirectory(atPath: directory + "/d", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: directory + "/d/loop", withDestinationPath: directory + "/d")
        _ = FileManager.default.createFile(atPath: directory + "/d/f", contents: Data([1]))
        let keys = try FilesystemStore(root: directory).list(prefix: "")
        XCTAssertTrue(keys.contains("d/f"))
        XCTAssertLessThan(keys.count, 10)
    }
}
