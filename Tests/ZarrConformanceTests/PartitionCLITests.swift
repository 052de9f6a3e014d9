import Foundation
import XCTest
@testable import ZarrCore

/// The command line of issues 12 and 13: `merge` of validate and digest parts, `convert`,
/// `digest --selection`, with their exit codes.
final class PartitionCLITests: XCTestCase {
    let work = NSTemporaryDirectory() + "partition-cli-\(UUID().uuidString)"
    override func setUp() { try? FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true) }
    override func tearDown() { try? FileManager.default.removeItem(atPath: work) }

    func parts(_ args: [String], count: Int) throws -> [String] {
        try (0..<count).map { i in
            let r = try runCLI(args + ["--partition", "\(i)/\(count)"])
            XCTAssertTrue([0, 1].contains(r.status), r.err)
            let file = work + "/part-\(i)-\(UUID().uuidString)"
            try r.out.write(toFile: file, atomically: true, encoding: .utf8)
            return file
        }
    }

    func testValidatePartsMergeIntoTheSameReportAndExitCode() throws {
        let store = FixtureTests.vectors + "/fixtures/corrupt/v2"
        for format in ["text", "json", "junit", "sarif"] {
            let whole = try runCLI(["validate", store, "--format", format])
            let files = try parts(["validate", store, "--format", "jsonl"], count: 3)
            let merged = try runCLI(["merge"] + files + ["--format", format])
            XCTAssertEqual(merged.status, whole.status, format)
            XCTAssertEqual(whole.status, 1)
            XCTAssertEqual(merged.out, whole.out, format)
        }
        let files = try parts(["validate", store, "--format", "jsonl"], count: 3)
        XCTAssertEqual(try runCLI(["merge"] + files.dropLast()).status, 2, "a part missing is a usage error")
        XCTAssertEqual(try runCLI(["merge"] + files + ["--fail-on", "never"]).status, 0)
        XCTAssertEqual(try runCLI(["validate", store, "--partition", "0/2"]).status, 2, "a part needs --format jsonl")
    }

    func testDigestPartsMergeIntoTheSameDigest() throws {
        let store = FixtureTests.vectors + "/fixtures/v3/tensorstore-0.1.86/shard-basic.zarr"
        for algorithm in ["tree", "dandi"] {
            let whole = try runCLI(["digest", store, "--algorithm", algorithm])
            XCTAssertEqual(whole.status, 0, whole.err)
            for n in [2, 5] {
                let merged = try runCLI(["merge"] + (try parts(["digest", store, "--algorithm", algorithm], count: n)))
                XCTAssertEqual(merged.out, whole.out, "\(algorithm) N=\(n)")
            }
        }
        XCTAssertEqual(try runCLI(["digest", store, "--partition", "0/2"]).status, 2, "sha256 cannot be split")
    }

    /// convert keeps the values (the canonical digest, as zarr-python 3 read it when the fixture
    /// was written: Vectors/catalog), whatever format, codec and chunks it writes.
    func testConvertKeepsTheDigestAcrossFormats() throws {
        let store = FixtureTests.vectors + "/fixtures/v3/tensorstore-0.1.86/shard-basic.zarr"
        let expected = try JSON.parse(try runCLI(["digest", store]).out)["sha256"]
        for (i, args) in [["--format", "v2", "--codecs", "blosc:zstd:3:bitshuffle", "--chunks", "7,9"], ["--format", "n5", "--codecs", "gzip:1"],
                          ["--format", "v3", "--chunks", "10,10", "--shards", "20,30", "--codecs", "none"]].enumerated() {
            let out = work + "/converted-\(i)"
            let r = try runCLI(["convert", store, out] + args)
            XCTAssertEqual(r.status, 0, r.err)
            XCTAssertEqual(try JSON.parse(try runCLI(["digest", out]).out)["sha256"], expected, "\(args)")
            XCTAssertEqual(try runCLI(["validate", out, "--fail-on", "warning"]).status, 0, "\(args)")
        }
        XCTAssertEqual(try runCLI(["convert", store, work + "/converted-0"]).status, 2, "the destination exists")
        XCTAssertEqual(try runCLI(["convert", store, work + "/x", "--codecs", "snappy"]).status, 2)
        XCTAssertEqual(try runCLI(["convert", store, work + "/y", "--format", "v2", "--shards", "20,30"]).status, 2)
    }

    /// --selection follows NumPy: negative bounds from the end, missing parts, steps, a single index.
    func testDigestOfASelectionIsTheDigestOfTheSubArray() throws {
        let store = FixtureTests.vectors + "/fixtures/v3/tensorstore-0.1.86/shard-basic.zarr"  // 40×30 int32
        let array = try ZarrArray.open(store: FilesystemStore(root: store))
        for (text, slices) in [("5:-3,::4", [Slice(5, 37), Slice(0, 30, step: 4)]), ("-1", [Slice(39, 40), Slice(0, 30)]), (":100,29:", [Slice(0, 40), Slice(29, 30)])] {
            let r = try runCLI(["digest", store, "--selection=" + text])  // "=": a value starting with "-" is not an option
            XCTAssertEqual(r.status, 0, r.err)
            let sub = try array.read(slices)
            XCTAssertEqual(try JSON.parse(r.out)["sha256"]?.stringValue, CanonicalDigest.of(sub), text)
            XCTAssertEqual(try JSON.parse(r.out)["shape"], .array(slices.map { .int($0.count) }), text)
        }
        XCTAssertEqual(try runCLI(["digest", store, "--selection", "1:2,3,4"]).status, 2)
        XCTAssertEqual(try runCLI(["digest", store, "--selection", "::-1"]).status, 2, "negative steps are refused")
    }
}
