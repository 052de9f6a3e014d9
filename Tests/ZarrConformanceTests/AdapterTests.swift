import Foundation
import XCTest
@testable import ZarrConformance
import ZarrCore

/// The adapter contract (docs/adapters.md) and peers declared as data (Vectors/peers/peers.json).
final class AdapterTests: XCTestCase {
    /// Runs `zarr-conformance run` from the repository root; returns the cells of conformance.json.
    func runMatrix(_ args: [String]) throws -> (status: Int32, err: String, cells: [JSON], summary: JSON?) {
        let out = NSTemporaryDirectory() + "adapter-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let saved = FileManager.default.currentDirectoryPath
        _ = FileManager.default.changeCurrentDirectoryPath(FixtureTests.root)
        defer { _ = FileManager.default.changeCurrentDirectoryPath(saved) }
        let r = try runCLI(["run", "--output", out + "/reports", "--work", out + "/work"] + args)
        guard let data = FileManager.default.contents(atPath: out + "/reports/conformance.json") else { return (r.status, r.err, [], nil) }
        let json = try JSON.parse(Array(data))
        return (r.status, r.err, json["results"]?.arrayValue ?? [], json["summary"])
    }

    /// `zarr-conformance cat` is a reader adapter: through the adapter path (one process per array,
    /// printed values compared by value, or the --digest form) it gets exactly the built-in reader's cells.
    func testCatAsAReaderAdapterGetsTheBuiltInReadersCells() throws {
        let r = try runMatrix(["--no-peers", "--format", "v2", "--writer", "zarr-python-2.18.7", "--id", "fill",
                               "--adapter", "cat=\(builtBinary) cat", "--adapter", "catdigest:digest=\(builtBinary) cat"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.err.contains("peers found: cat, catdigest"), r.err)
        func outcomes(_ reader: String) -> [String: String] {
            Dictionary(r.cells.filter { $0["reader"]?.stringValue == reader }.map {
                ("\($0["writer"]?.stringValue ?? "") \($0["case"]?.stringValue ?? "")", $0["outcome"]?.stringValue ?? "")
            }, uniquingKeysWith: { a, _ in a })
        }
        let builtIn = outcomes(OurReader.label)
        XCTAssertGreaterThan(builtIn.count, 40)
        // The built-in reader's cells judge against the writer's own read-back digests (the catalog),
        // so the adapters are held to zarr-python 2.18.7's values, not to ours.
        XCTAssertGreaterThan(builtIn.values.filter { $0 == "pass" }.count, 30)
        XCTAssertTrue(builtIn.values.contains("refused"), "the filter should hold stores that must be refused")
        XCTAssertEqual(outcomes("cat"), builtIn)
        XCTAssertEqual(outcomes("catdigest"), builtIn)
    }

    /// An adapter printing one wrong element is a mismatch naming the element; one that fails is an error
    /// carrying its stderr; on a store that must be refused, a failure is a correct refusal.
    func testPrintedValuesThatDifferAreAMismatchAndFailuresCarryStderr() throws {
        let wrong = "f() { \(builtBinary) cat \"$@\" | sed '3s/.*/12345/'; }; f"
        let failing = "f() { echo 'cannot read this store' >&2; exit 4; }; f"
        let r = try runMatrix(["--no-peers", "--format", "v2", "--writer", "zarr-python-2.18.7", "--id", "dtype-li4",
                               "--adapter", "wrong=\(wrong)", "--adapter", "failing=\(failing)"])
        XCTAssertEqual(r.status, 0, r.err)
        let fixture = try XCTUnwrap(r.cells.first { $0["reader"] == "wrong" && $0["writer"] == "zarr-python-2.18.7" })
        XCTAssertEqual(fixture["outcome"], "mismatch")
        XCTAssertTrue(fixture["message"]?.stringValue?.contains("element 2 (C order): the adapter printed 12345") ?? false, "\(fixture)")
        let failed = try XCTUnwrap(r.cells.first { $0["reader"] == "failing" && $0["writer"] == "zarr-python-2.18.7" })
        XCTAssertEqual(failed["outcome"], "error")
        XCTAssertEqual(failed["message"], "cannot read this store")
    }

    /// A writer adapter writes each manifest; every reader (here this implementation) then reads it
    /// against the manifest's own expected values.
    func testWriteIsAWriterAdapter() throws {
        let manifest = FixtureTests.vectors + "/cases/bitround-uint8-sample.json"
        let r = try runMatrix(["--no-peers", "--case", manifest, "--adapter", "ourwriter:writer=\(builtBinary) write"])
        XCTAssertEqual(r.status, 0, r.err)
        let cell = try XCTUnwrap(r.cells.first { $0["writer"] == "ourwriter" && $0["reader"]?.stringValue == OurReader.label })
        XCTAssertEqual(cell["outcome"], "pass", "\(cell)")
    }

    /// `cat --digest` prints the contract's fast form: the digest the catalog expects, and the shape.
    func testCatDigestPrintsTheCatalogDigest() throws {
        let r = try runCLI(["cat", "--array_path", CLITests.fixtures + "/dtype-bi8.zarr", "--digest"])
        XCTAssertEqual(r.status, 0, r.err)
        let json = try JSON.parse(r.out.trimmingCharacters(in: .whitespacesAndNewlines))
        XCTAssertEqual(json["sha256"]?.stringValue, try Catalog.expectedDigest(id: "v2/zarr-python-2.18.7/dtype-bi8"))
        XCTAssertEqual(json["shape"], [20, 15])
    }

    func testAdapterSpecsAndBadOnes() throws {
        let p = try Peer.adapter("mine:writer,digest,v3=python3 -m mine")
        XCTAssertEqual(p.label, "mine")
        XCTAssertEqual(p.roles, ["writer"])
        XCTAssertEqual(p.formats, ["v3"])
        XCTAssertTrue(p.digest)
        XCTAssertEqual(p.writeCommand, "python3 -m mine")
        XCTAssertFalse(p.isReader)
        XCTAssertEqual(try Peer.adapter("r=cmd").roles, ["reader"])
        XCTAssertThrowsError(try Peer.adapter("noequals"))
        XCTAssertThrowsError(try Peer.adapter("x:bogus=cmd"))
        let r = try runCLI(["run", "--catalog", FixtureTests.vectors, "--adapter", "=nothing"])
        XCTAssertEqual(r.status, 2, r.err)
    }

    /// Every declared peer is in peers.json with what the reports need; one that cannot start is
    /// named, with its reason, in each report instead of vanishing.
    func testPeersAreDataAndUnavailableOnesAreReported() throws {
        let peers = try Peer.load(vectors: FixtureTests.vectors)
        let labels = Set(peers.map(\.label))
        for label in ["zarr-python-2.18.7", "zarr-python-3.1.6", "zarrs-python-0.2.3", "tensorstore-0.1.86", "z5py-3.0.2", "zarr-n5-0.3.0",
                      "zarr-python-3.4.2", "zarrita-0.2.7", "zarr-python-2.13.6", "gdal-3.6.2", "netcdf-c-4.9.0", "xarray-2026.9.0", "ome-zarr-0.21.0"] {
            XCTAssertTrue(labels.contains(label), label)
        }
        XCTAssertEqual(peers.first { $0.label == "tensorstore-0.1.86" }?.n5Axes, .native)
        XCTAssertEqual(peers.first { $0.label == "zarr-python-2.18.7" }?.n5Axes, .reversed)
        XCTAssertFalse(peers.first { $0.label == "xarray-2026.9.0" }?.isReader ?? true)

        var missing = Peer(name: "ghost", version: "1.0", command: ["/nonexistent/python", "read.py"], formats: ["v2"])
        missing.install = "venv .venv-ghost"
        missing = missing.checked()
        XCTAssertEqual(missing.unavailable, "/nonexistent/python is missing (run make setup; install: venv .venv-ghost)")
        var broken = Peer(name: "broken", version: "2.0", command: ["/bin/sh"], formats: ["v3"])
        broken.probe = ["/bin/sh", "-c", "echo 'ModuleNotFoundError: No module named broken' >&2; exit 1"]
        broken = broken.checked()
        XCTAssertEqual(broken.unavailable?.hasPrefix("it does not start: ModuleNotFoundError: No module named broken"), true, broken.unavailable ?? "")

        let cell = CellResult(caseID: "v2/w/x", format: "v2", family: "x", writer: "w", reader: OurReader.label, outcome: .pass, message: "", requirements: [])
        let date = Date(timeIntervalSince1970: 0)
        let json = Reports.json([cell], peers: [missing, broken], date: date)
        let entries = json["summary"]?["implementations"]?.arrayValue ?? []
        XCTAssertEqual(entries.first { $0["label"] == "ghost-1.0" }?["status"], "unavailable")
        XCTAssertEqual(entries.first { $0["label"] == "ghost-1.0" }?["reason"]?.stringValue, missing.unavailable)
        XCTAssertEqual(json["summary"]?["unavailable"], ["ghost-1.0", "broken-2.0"])
        let md = Reports.markdown([cell], peers: [missing, broken], date: date)
        XCTAssertTrue(md.contains("| ghost-1.0 | reader | v2 | **unavailable**: /nonexistent/python is missing"), md)
        let html = Reports.html([cell], peers: [missing, broken], coverage: nil, date: date)
        XCTAssertTrue(html.contains("<b>broken-2.0</b>: it does not start"), html)
        let junit = Reports.junit([cell], judged: [], peers: [missing, broken])
        XCTAssertTrue(junit.contains("<testcase classname=\"implementations\" name=\"ghost-1.0\"><skipped message=\"unavailable: /nonexistent/python"), junit)
    }
}
