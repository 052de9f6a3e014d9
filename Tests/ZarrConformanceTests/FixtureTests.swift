import Foundation
import XCTest
@testable import ZarrConformance
import ZarrCore

/// Every committed fixture, read against the digest its writer's own read-back produced.
final class FixtureTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let vectors = root + "/Vectors"

    func testCatalogIsLargeAndTraceable() throws {
        let cases = try Catalog.load(vectors: Self.vectors)
        XCTAssertGreaterThanOrEqual(cases.filter { $0.format == "v2" && !$0.expected.isRefusal }.count, 150)
        XCTAssertGreaterThanOrEqual(cases.filter { $0.format == "v3" && !$0.expected.isRefusal }.count, 250)
        XCTAssertGreaterThanOrEqual(Set(cases.filter { $0.format == "v3" }.map(\.writer)).count, 4, "zarr-python, zarrs, tensorstore, z5py")
        for c in cases {
            XCTAssertFalse(c.requirements.isEmpty, "\(c.id) cites no checklist id")
            XCTAssertTrue(FileManager.default.fileExists(atPath: Self.root + "/" + c.script), "\(c.id): missing script \(c.script)")
            XCTAssertTrue(FileManager.default.fileExists(atPath: Self.vectors + "/" + c.store), "\(c.id): missing store")
        }
    }

    /// Fixtures this implementation is documented not to read yet (`Vectors/divergences.json`
    /// entries whose reader is this implementation): each must still fail, so the entry goes when it reads.
    static func knownOwnFailure(_ c: Case) throws -> Bool {
        let cell = CellResult(caseID: c.id, format: c.format, family: c.family, writer: c.writerLabel, reader: OurReader.label, outcome: .error,
                              message: "", requirements: [])
        return try Divergence.load(vectors: vectors).contains { $0.reader == OurReader.label && $0.matches(cell) }
    }

    func testEveryFixtureReadsWithItsDigestOrIsRefused() throws {
        let cases = try Catalog.load(vectors: Self.vectors)
        XCTAssertFalse(cases.isEmpty)
        for c in cases {
            let result = OurReader.read(store: Self.vectors + "/" + c.store, node: c.node, consolidated: c.consolidated, format: c.format)
            let (outcome, message) = OurReader.judge(c, result)
            if try Self.knownOwnFailure(c) {
                XCTAssertNotEqual(outcome, .pass, "\(c.id) reads now: remove its entry from Vectors/divergences.json")
                continue
            }
            switch c.expected {
            case .read: XCTAssertEqual(outcome, .pass, "\(c.id): \(message)")
            case .refuse: XCTAssertEqual(outcome, .refused, "\(c.id) must be refused: \(message)")
            }
        }
    }

    func testOurRewriteOfEveryFixtureReadsBackIdentically() throws {
        let work = NSTemporaryDirectory() + "rewrite-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: work) }
        for c in try Catalog.load(vectors: Self.vectors) where try !c.expected.isRefusal && !Self.knownOwnFailure(c) {
            let destination = work + "/" + c.name
            try OurWriter.rewrite(c, from: Self.vectors + "/" + c.store, to: destination)
            let (outcome, message) = OurReader.judge(c, OurReader.read(store: destination, node: c.node, consolidated: c.consolidated, format: c.format))
            XCTAssertEqual(outcome, .pass, "\(c.id): \(message)")
        }
    }
}

extension FixtureTests {
    /// Every manifest in Vectors/cases, written by this implementation and judged by its expectation.
    func testEveryManifestMeetsItsExpectation() throws {
        let work = NSTemporaryDirectory() + "manifests-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: work) }
        let manifests = try Proposal.loadAll(directory: Self.vectors + "/cases")
        XCTAssertGreaterThanOrEqual(manifests.count, 20)
        for p in manifests {
            let c = try p.materialize(at: work + "/" + p.id.replacingOccurrences(of: "/", with: "_"))
            let (outcome, message) = OurReader.judge(c, OurReader.read(store: c.store, node: c.node, consolidated: false, format: c.format))
            switch c.expected {
            case .read: XCTAssertEqual(outcome, .pass, "\(p.id): \(message)")
            case .refuse: XCTAssertEqual(outcome, .refused, "\(p.id): \(message)")
            }
        }
    }

    func testCatalogScale() throws {
        // Issue 5: at least 600 readable cases across the formats and 150 that must be refused.
        let cases = try Catalog.load(vectors: Self.vectors)
        XCTAssertGreaterThanOrEqual(cases.filter { !$0.expected.isRefusal }.count, 600)
        XCTAssertGreaterThanOrEqual(cases.filter { $0.expected.isRefusal }.count, 150)
        XCTAssertEqual(Set(cases.map(\.format)), ["v2", "v3", "n5"])
    }
}

extension FixtureTests {
    func testCoverageCountsFixturesAndManifests() throws {
        let coverage = try XCTUnwrap(try Coverage.compute(vectors: Self.vectors, cases: Catalog.load(vectors: Self.vectors)))
        XCTAssertGreaterThanOrEqual(coverage.requirements.count, 100, "the checklist's MUST / MUST NOT")
        let castValue = try XCTUnwrap(coverage.requirements.first { $0.id == "EX-C04" })
        XCTAssertTrue(castValue.cases.contains("v3/proposed/cast-value-wrap"), "manifests count toward coverage")
        XCTAssertTrue(try XCTUnwrap(coverage.requirements.first { $0.id == "SH-06" }).cases.contains("v3/zarr-python-3.1.6/shard-sparse"))
        XCTAssertEqual(coverage.uncovered.map(\.id), [], "issue 16: every MUST has a case or a written reason")
        let ids = Set(coverage.requirements.map(\.id))
        for (id, _) in try Coverage.reasons(vectors: Self.vectors) { XCTAssertTrue(ids.contains(id), "coverage-reasons.json names \(id)") }
        XCTAssertTrue(coverage.requirements.contains { $0.id == "V31-05" }, "the supplement is merged")
    }

    func testFeatureTableCoversEveryImplementation() throws {
        let (about, features) = try FeatureSupport.load(vectors: Self.vectors)
        XCTAssertFalse(about.isEmpty)
        XCTAssertGreaterThanOrEqual(features.count, 10)
        for f in features {
            XCTAssertEqual(f.accepts.map(\.0), ["zarr-conformance-0.1.0", "zarr-python-3.1.6", "zarrs-python-0.2.3", "tensorstore-0.1.86", "z5py-3.0.2"], f.feature)
            XCTAssertTrue(try Catalog.load(vectors: Self.vectors).contains { $0.id.contains(f.casePattern) }, f.casePattern)
        }
    }
}

extension FixtureTests {
    /// EX-C17 / EX-C18 / NC-26: every zfp fixture stores the data its writer was given at node
    /// `input`; encoding that input with this implementation gives the writer's chunks byte for byte
    /// (zfpy 1.0.1 through numcodecs 0.15.2 and 0.16.5, headerless zfpy streams for the registered
    /// codec, inner chunks of a shard), in every mode a writer has: reversible, fixed accuracy,
    /// fixed rate and fixed precision, 0–4 dimensions.
    func testZfpChunksAreByteIdenticalToTheWriters() throws {
        let work = NSTemporaryDirectory() + "zfp-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: work) }
        let cases = try Catalog.load(vectors: Self.vectors).filter { $0.sourceNode != nil && !$0.expected.isRefusal }
        XCTAssertGreaterThanOrEqual(cases.count, 80)
        XCTAssertEqual(Set(cases.map(\.writerLabel)), ["zarr-python-2.18.7", "zarr-python-3.1.6", "zfpy-1.0.1"])
        var chunks = 0
        for c in cases {
            let destination = work + "/" + c.format + "-" + c.writer + "-" + c.name
            try OurWriter.rewrite(c, from: Self.vectors + "/" + c.store, to: destination)
            let source = FilesystemStore(root: Self.vectors + "/" + c.store)
            let ours = FilesystemStore(root: destination)
            let metadata: Set<String> = [".zarray", ".zattrs", "zarr.json"]
            let theirs = try source.list(prefix: c.node + "/").filter { !metadata.contains(String($0.split(separator: "/").last ?? "")) }
            XCTAssertFalse(theirs.isEmpty, c.id)
            for key in theirs {
                XCTAssertEqual(try ours.get(key), try source.get(key), "\(c.id): \(key)")
                chunks += 1
            }
            XCTAssertEqual(try ours.list(prefix: c.node + "/").filter { !metadata.contains(String($0.split(separator: "/").last ?? "")) }.count, theirs.count, c.id)
        }
        XCTAssertGreaterThanOrEqual(chunks, 700)
    }
}
