import Foundation
import XCTest
@testable import ZarrConformance
import ZarrCore

/// A mismatch shows where values differ: the peer's canonical bytes against our read.
final class MismatchDetailTests: XCTestCase {
    func testDetailNamesTheFirstDifferingIndexAndBothValues() throws {
        let peer = try XCTUnwrap(Peer.load(vectors: FixtureTests.vectors).first { $0.label == "zarr-python-2.18.7" })
        let python = FixtureTests.root + "/" + peer.command[0]
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: python), "zarr-python 2 venv missing (make setup)")
        let store = FixtureTests.vectors + "/fixtures/v2/zarr-python-2.18.7/dtype-bi8.zarr"
        let values = NSTemporaryDirectory() + "values-\(UUID().uuidString).bin"
        defer { try? FileManager.default.removeItem(atPath: values) }
        // zarr-python 2 writes the canonical bytes of what it read (int64, little-endian, C order).
        let saved = FileManager.default.currentDirectoryPath
        _ = FileManager.default.changeCurrentDirectoryPath(FixtureTests.root)
        defer { _ = FileManager.default.changeCurrentDirectoryPath(saved) }
        let answers = try peer.read([Peer.Request(id: "x", store: store, node: "", consolidated: false, format: "v2", values: values)])
        guard case .success? = answers["x"] else { return XCTFail("\(String(describing: answers["x"]))") }
        var theirs = [UInt8](try XCTUnwrap(FileManager.default.contents(atPath: values)))
        XCTAssertEqual(theirs.count, 300 * 8)
        XCTAssertEqual(MismatchDetail.explain(store: store, node: "", consolidated: false, theirs: theirs, who: "peer"),
                       "the values peer read equal this implementation's")
        // Element 17 is (1, 2) in a 20×15 array; make the peer's copy of it 42.
        theirs.replaceSubrange(17 * 8..<18 * 8, with: withUnsafeBytes(of: Int64(42).littleEndian, Array.init))
        let detail = try XCTUnwrap(MismatchDetail.explain(store: store, node: "", consolidated: false, theirs: theirs, who: "peer"))
        XCTAssertTrue(detail.hasPrefix("first difference at [1, 2]: peer 42, zarr-conformance-"), detail)
        XCTAssertTrue(detail.hasSuffix("; 1 of 300 elements differ"), detail)
    }
}
