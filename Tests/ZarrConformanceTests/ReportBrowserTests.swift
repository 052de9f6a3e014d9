import Foundation
import XCTest
@testable import ZarrConformance
import ZarrCore

/// Opens the HTML report in a real headless browser (Chromium from Debian): the matrix renders,
/// its script runs without error, and a screenshot can be taken (`make conformance` takes the
/// committed one, Reports/matrix.png).
final class ReportBrowserTests: XCTestCase {
    var chromium: String? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    func run(_ args: [String]) throws -> (out: String, err: String) {
        let flags = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--enable-logging=stderr", "--v=0"]
        let r = try runProcess(try XCTUnwrap(chromium, "chromium is installed by make setup"), flags + args)
        return (r.out, r.err)
    }

    func testMatrixRendersWithoutScriptErrors() throws {
        // A report from this implementation's reads of every fixture (no peers: fast, offline).
        let work = NSTemporaryDirectory() + "report-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: work) }
        var runner = Runner(vectors: FixtureTests.vectors, workDirectory: work + "/stores", peers: [])
        runner.proposals = try Proposal.loadAll(directory: FixtureTests.vectors + "/cases")
        let results = try runner.run()
        let coverage = try Coverage.compute(vectors: FixtureTests.vectors, cases: Catalog.load(vectors: FixtureTests.vectors))
        try Reports.write(results, to: work, peers: [], coverage: coverage, judged: results)
        let page = "file://" + work + "/conformance.html"

        let dom = try run(["--dump-dom", page])
        XCTAssertTrue(dom.out.contains("data-ready=\"3\""), "the page script ran and found the three format tables")
        XCTAssertTrue(dom.out.contains("<table class=\"matrix\">"))
        XCTAssertTrue(dom.out.contains("zarr-conformance-0.1.0"))
        XCTAssertFalse(dom.err.contains("Uncaught"), dom.err)

        let shot = work + "/conformance.png"
        _ = try run(["--window-size=1400,1000", "--hide-scrollbars", "--screenshot=" + shot, page])
        let png = try XCTUnwrap(FileManager.default.contents(atPath: shot), "a screenshot was written")
        XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        XCTAssertGreaterThan(png.count, 10_000)
    }
}
