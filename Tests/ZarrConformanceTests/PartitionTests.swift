import Foundation
import XCTest
@testable import ZarrConformance
@testable import ZarrCore

/// `validate --partition I/N` and `merge`: the merged report is the one a single run prints,
/// in every output format, on the fixture catalog (issue 13).
final class PartitionTests: XCTestCase {
    static let fixtures = FixtureTests.vectors + "/fixtures"
    /// Stores with findings of many rules (the corruption catalog) and clean ones from peers.
    let roots = ["corrupt/v2", "corrupt/v3", "corrupt/n5", "v3/tensorstore-0.1.86", "v2/zarr-python-2.18.7", "n5"].map { fixtures + "/" + $0 }

    func outputs(_ report: Validator.Report, _ root: String) -> [String] {
        [ValidationOutput.text(report, path: root), ValidationOutput.json(report, valid: !report.findings.contains { $0.severity == .error }).serialized(indent: 2),
         ValidationOutput.junit(report, path: root), ValidationOutput.sarif(report, path: root).serialized(indent: 2)]
    }

    /// Equal outputs; on a difference, the first lines that differ (reports are long).
    func assertSame(_ a: [String], _ b: [String], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        for (x, y) in zip(a, b) where x != y {
            let (lx, ly) = (x.split(separator: "\n"), y.split(separator: "\n"))
            let i = (0..<min(lx.count, ly.count)).first { lx[$0] != ly[$0] } ?? min(lx.count, ly.count)
            XCTFail("\(what): line \(i): merged \(i < lx.count ? String(lx[i]) : "end") / one run \(i < ly.count ? String(ly[i]) : "end")", file: file, line: line)
            return
        }
    }

    /// Parts go through their JSON lines, as `merge` reads them from files.
    func merged(_ validator: Validator, count: Int, _ part: (Validator) throws -> ValidationPart) throws -> Validator.Report {
        let parts = try (0..<count).map { i -> ValidationPart in
            var v = validator
            v.partition = Partition(index: i, count: count)
            let lines = try part(v).jsonLines(store: "s").map { Substring($0.serialized()) }
            return try ValidationPart.parse(lines: lines, source: "part \(i)").0
        }
        return try ValidationPart.merge(parts)
    }

    func testMergedPartsEqualOneRunOnTheCatalog() throws {
        for root in roots where FileManager.default.fileExists(atPath: root) {
            var validators = [Validator()]
            var all = Validator()
            all.expectChunks = .all
            var metadataOnly = Validator()
            metadataOnly.metadataOnly = true
            if root.hasSuffix("corrupt/v3") { validators += [all, metadataOnly] }
            for validator in validators {
                let whole = try validator.validate(root: root)
                XCTAssertGreaterThan(whole.nodes, 3, root)
                for n in [2, 3, 7] {
                    let report = try merged(validator, count: n) { try $0.part(root: root) }
                    XCTAssertEqual(report.nodes, whole.nodes, "\(root) N=\(n)")
                    XCTAssertEqual(report.chunks, whole.chunks, "\(root) N=\(n)")
                    assertSame(outputs(report, root), outputs(whole, root), "\(root) N=\(n)")
                }
            }
        }
    }

    /// A store that cannot list: the chunk grid is split instead of the listing.
    func testMergedPartsEqualOneRunWithoutAListing() throws {
        struct Unlisted: ReadableStore {
            let base: FilesystemStore
            func get(_ key: String, range: ByteRange) throws -> [UInt8]? { try base.get(key, range: range) }
            func size(_ key: String) throws -> Int? { try base.size(key) }
            func get(_ key: String, range: ByteRange, limit: Int) throws -> [UInt8]? { try base.get(key, range: range, limit: limit) }
        }
        let root = NSTemporaryDirectory() + "partition-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = FilesystemStore(root: root)
        try ZarrGroup.create(store: store, path: "", format: .v2)
        let a = try ZarrArray.create(store: store, path: "a", metadata: ArrayMetadataV2(shape: [10, 10], chunks: [3, 3], dtype: try V2DataType.parse("<i4"),
                                                                                       compressor: ["id": "zlib", "level": 1]))
        try a.write(.fixed((0..<100).flatMap { withUnsafeBytes(of: Int32($0).littleEndian, Array.init) }))
        try ConsolidatedV2.write(store: store)
        try store.set("a/1.2", [1, 2, 3])  // not zlib
        try store.set("a/3.0", [4, 5])
        try store.erase("a/2.2")
        var validator = Validator()
        validator.expectChunks = .all
        let whole = try validator.validate(store: Unlisted(base: store))
        XCTAssertEqual(whole.chunks, 15, "16 chunks, one erased")
        XCTAssertEqual(whole.findings.filter { $0.rule == "data.chunk.decode" || $0.rule == "data.chunk.size" }.map(\.path).sorted(), ["a/1.2", "a/3.0"])
        for n in [2, 5, 16, 40] {
            let report = try merged(validator, count: n) { try $0.part(store: Unlisted(base: store)) }
            assertSame(outputs(report, root), outputs(whole, root), "N=\(n)")
        }
    }

    /// More findings of a rule than the cap: the kept ones are the first in report order
    /// however the work was split, and the count of the rest adds up.
    func testTheCapKeepsTheSameFindings() throws {
        let root = Self.fixtures + "/corrupt/v3"
        var validator = Validator()
        validator.maxFindingsPerRule = 2
        let whole = try validator.validate(root: root)
        XCTAssertTrue(whole.findings.contains { $0.message.hasSuffix("more findings of this rule") })
        let report = try merged(validator, count: 4) { try $0.part(root: root) }
        assertSame(outputs(report, root), outputs(whole, root), "cap 2")
    }

    func testMergeRefusesAnIncompleteOrMixedSetOfParts() throws {
        let root = Self.fixtures + "/corrupt/v2"
        func part(_ i: Int, _ n: Int, spec: SpecVersion = .latest) throws -> ValidationPart {
            var v = Validator()
            v.partition = Partition(index: i, count: n)
            v.spec = spec
            v.metadataOnly = true
            return try v.part(root: root)
        }
        XCTAssertThrowsError(try ValidationPart.merge([part(0, 3), part(2, 3)]), "part 1/3 missing")
        XCTAssertThrowsError(try ValidationPart.merge([part(0, 2), part(0, 2), part(1, 2)]), "part 0/2 twice")
        XCTAssertThrowsError(try ValidationPart.merge([part(0, 2), part(1, 3)]), "parts of different runs")
        XCTAssertThrowsError(try ValidationPart.merge([part(0, 2), part(1, 2, spec: .v30)]), "different --spec")
        XCTAssertNil(Partition("3/3"))
        XCTAssertNil(Partition("-1/3"))
        XCTAssertNil(Partition("1/0"))
        XCTAssertEqual(Partition("2/3"), Partition(index: 2, count: 3))
    }
}
