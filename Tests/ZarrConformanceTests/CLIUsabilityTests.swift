import Foundation
import XCTest
@testable import ZarrConformance
import ZarrCore

/// The tool as people meet it: no false greens, a useful `info`, `diff`, and the conventions
/// (version, completions, hints). Every test runs the built binary.
final class CLIUsabilityTests: XCTestCase {
    let v2 = FixtureTests.vectors + "/fixtures/v2/zarr-python-2.18.7"

    func temporaryDirectory() throws -> String {
        let dir = NSTemporaryDirectory() + "zarr-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        return dir
    }

    func testValidateOnAStoreWithoutMetadataIsAFinding() throws {
        let empty = try temporaryDirectory()
        let r = try runCLI(["validate", empty, "--format", "json"])
        XCTAssertEqual(r.status, 1, r.out)
        XCTAssertEqual(try JSON.parse(r.out)["findings"]?.arrayValue?.first?["rule"], "structure.no-metadata")
        _ = FileManager.default.createFile(atPath: empty + "/README.txt", contents: Data("not zarr".utf8))
        XCTAssertEqual(try runCLI(["validate", empty]).status, 1)
    }

    func testEveryFindingCarriesAFixHint() throws {
        XCTAssertEqual(Set(Rules.all.map(\.id)).subtracting(Rules.hints.keys), [], "rules without a hint")
        let corrupt = FixtureTests.vectors + "/fixtures/corrupt/v2/truncated-gzip-level1.zarr"
        let text = try runCLI(["validate", corrupt])
        XCTAssertTrue(text.out.contains("  fix: \(Rules.hint("data.chunk.decode"))"), text.out)
        let sarif = try JSON.parse(try runCLI(["validate", "--format", "sarif", corrupt]).out)
        let rules = sarif["runs"]?.arrayValue?.first?["tool"]?["driver"]?["rules"]?.arrayValue ?? []
        XCTAssertEqual(rules.first { $0["id"] == "data.chunk.decode" }?["help"]?["text"]?.stringValue, Rules.hint("data.chunk.decode"))
    }

    func testRunOutsideTheRepositoryIsAUsageError() throws {
        let elsewhere = try temporaryDirectory()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: builtBinary)
        p.arguments = ["run", "--no-peers"]
        p.currentDirectoryURL = URL(fileURLWithPath: elsewhere)
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 2, message)
        XCTAssertTrue(message.contains("--catalog"), message)
        XCTAssertFalse(FileManager.default.fileExists(atPath: elsewhere + "/Reports"), "nothing is written")
        // Filters that match nothing: running zero cells is never a success.
        let out = try temporaryDirectory()
        let none = try runCLI(["run", "--no-peers", "--catalog", FixtureTests.vectors, "--id", "no-case-has-this-id", "--output", out, "--work", out + "/work"])
        XCTAssertEqual(none.status, 2, none.err)
        XCTAssertTrue(none.err.contains("no case matches"), none.err)
    }

    func testInfoDrawsTheTreeAndCountsStoredChunks() throws {
        let group = try runCLI(["info", v2 + "/consolidated-nested.zarr"])
        XCTAssertEqual(group.status, 0, group.err)
        XCTAssertTrue(group.out.contains("/\n└── group1\n    └── sub\n        └── arr (20×15 <f8)"), group.out)
        // A 20×15 array in 7×6 chunks (3×3 grid) whose chunks are all stored, and one with
        // missing chunks: the counts come from the listing (checked against the files here).
        for name in ["dtype-bi8.zarr", "fill-nan-missing-chunks.zarr"] {
            let info = try JSON.parse(try runCLI(["info", v2 + "/" + name, "--json"]).out)
            let files = try FileManager.default.contentsOfDirectory(atPath: v2 + "/" + name).filter { !$0.hasPrefix(".") }
            let sizes = try files.map { try FileManager.default.attributesOfItem(atPath: v2 + "/" + name + "/" + $0)[.size] as? Int ?? 0 }
            let shape: [Int] = (info["shape"]?.arrayValue ?? []).compactMap(\.intValue)
            let chunks: [Int] = (info["chunks"]?.arrayValue ?? []).compactMap(\.intValue)
            var grid = 1
            for (n, c) in zip(shape, chunks) { grid *= (n + c - 1) / c }
            XCTAssertEqual(info["storage"]?["stored_chunks"]?.intValue, files.count, name)
            XCTAssertEqual(info["storage"]?["grid_chunks"]?.intValue, grid, name)
            XCTAssertEqual(info["storage"]?["missing_chunks"]?.intValue, grid - files.count, name)
            XCTAssertEqual(info["storage"]?["stored_bytes"]?.intValue, sizes.reduce(0, +), name)
        }
    }

    func testDiffComparesValuesAcrossFormats() throws {
        // Two writers' stores of the same data (equal digests in the catalog) are identical.
        let cases = try Catalog.load(vectors: FixtureTests.vectors)
        func digest(_ id: String) -> String? {
            guard let c = cases.first(where: { $0.id == id }), case .read(let sha, _) = c.expected else { return nil }
            return sha
        }
        XCTAssertEqual(digest("v2/zarr-python-2.18.7/dtype-lf4"), digest("v2/zarr-python-2.18.7/dtype-bf4"))
        let same = try runCLI(["diff", v2 + "/dtype-lf4.zarr", v2 + "/dtype-bf4.zarr"])
        XCTAssertEqual(same.status, 0, same.out + same.err)
        XCTAssertTrue(same.out.contains("data type: \"<f4\" ≠ \">f4\""), same.out)
        XCTAssertTrue(same.out.contains("values: 0 of 300 elements differ"), same.out)
        // bitround keeping 0 or 23 mantissa bits: the count of differing elements comes from
        // zarr-python 2 reading both stores (NaN equal to NaN).
        let python = FixtureTests.root + "/.venv-peers-v2/bin/python"
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: python), "zarr-python 2 venv missing (make setup)")
        let a = v2 + "/bitround-f4-keep0.zarr", b = v2 + "/bitround-f4-keep23.zarr"
        let script = "import sys, zarr, numpy as np; a = zarr.open(sys.argv[1], 'r')[...]; b = zarr.open(sys.argv[2], 'r')[...]; print(int((~((a == b) | (np.isnan(a) & np.isnan(b)))).sum()))"
        let expected = try runProcess(python, ["-c", script, a, b])
        let count = Int(expected.out.trimmingCharacters(in: .whitespacesAndNewlines))
        XCTAssertNotNil(count, expected.err)
        let diff = try runCLI(["diff", a, b, "--json"])
        XCTAssertEqual(diff.status, 1)
        let json = try JSON.parse(diff.out)
        XCTAssertEqual(json["differing_elements"]?.intValue, count)
        XCTAssertEqual(json["examples"]?.arrayValue?.count, 10)
        XCTAssertEqual(try runCLI(["diff", a, "/nonexistent"]).status, 3)
    }

    func testVersionCompletionsAndOverview() throws {
        let version = try runCLI(["--version"])
        XCTAssertEqual(version.status, 0)
        for library in ["zlib", "zstd", "c-blosc", "lz4", "bzip2", "liblzma"] { XCTAssertTrue(version.out.contains("  \(library) "), version.out) }
        let completion = try runCLI(["--generate-completion-script", "bash"])
        XCTAssertEqual(completion.status, 0)
        XCTAssertTrue(completion.out.contains("validate"), "subcommands are completed")
        XCTAssertTrue(try runCLI(["--help"]).out.contains("Zarr v2, v3 and N5"))
    }
}

/// The GitHub Action's and the pre-commit hook's scripts, run locally with the built binary.
extension CLIUsabilityTests {
    func script(_ name: String, _ args: [String], env: [String: String]) throws -> (status: Int32, out: String, err: String) {
        try runProcess("/bin/bash", [FixtureTests.root + "/scripts/" + name] + args,
                       environment: ["PATH": "/usr/bin:/bin", "ZARR_CONFORMANCE": builtBinary].merging(env) { $1 })
    }

    func testActionScriptWritesSARIFAndJUnitAndGates() throws {
        let out = try temporaryDirectory() + "/results"
        let good = v2 + "/dtype-bi8.zarr", bad = FixtureTests.vectors + "/fixtures/corrupt/v2/truncated-gzip-level1.zarr"
        let passing = try script("action.sh", [], env: ["INPUT_PATHS": good, "INPUT_OUTPUT": out])
        XCTAssertEqual(passing.status, 0, passing.out + passing.err)
        let failing = try script("action.sh", [], env: ["INPUT_PATHS": "\(good) \(bad)", "INPUT_OUTPUT": out])
        XCTAssertEqual(failing.status, 1, failing.out + failing.err)
        let files = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        XCTAssertEqual(files.filter { $0.hasSuffix(".sarif") }.count, 2, "\(files)")
        XCTAssertEqual(files.filter { $0.hasSuffix(".junit.xml") }.count, 2, "\(files)")
        let sarif = try XCTUnwrap(files.first { $0.contains("truncated") && $0.hasSuffix(".sarif") })
        let results = try JSON.parse(String(contentsOfFile: out + "/" + sarif, encoding: .utf8))["runs"]?.arrayValue?.first?["results"]?.arrayValue
        XCTAssertEqual(results?.first?["ruleId"], "data.chunk.decode")
        XCTAssertEqual(try script("action.sh", [], env: ["INPUT_PATHS": bad, "INPUT_OUTPUT": out, "INPUT_FAIL_ON": "never"]).status, 0)
        XCTAssertEqual(try script("action.sh", [], env: ["INPUT_PATHS": "/nonexistent", "INPUT_OUTPUT": out]).status, 3)
        XCTAssertEqual(try script("action.sh", [], env: ["INPUT_OUTPUT": out]).status, 2)
    }

    func testPreCommitHookValidatesTheStoresATouchedFileBelongsTo() throws {
        let root = try temporaryDirectory() + "/data.zarr"
        try FileManager.default.copyItem(atPath: v2 + "/consolidated-nested.zarr", toPath: root)
        let touched = root + "/group1/sub/arr/.zarray"
        XCTAssertEqual(try script("pre-commit-validate.sh", [touched], env: [:]).status, 0)
        try Data("{".utf8).write(to: URL(fileURLWithPath: root + "/group1/.zgroup"))
        let broken = try script("pre-commit-validate.sh", [touched], env: [:])
        XCTAssertEqual(broken.status, 1, "the whole store is validated, not only the touched node")
        XCTAssertTrue(broken.out.contains("group1/.zgroup"), broken.out)
    }
}

extension CLIUsabilityTests {
    func testMakeInstallPutsTheBinaryUnderThePrefix() throws {
        let prefix = try temporaryDirectory() + "/prefix"
        let configuration = URL(fileURLWithPath: builtBinary).deletingLastPathComponent().lastPathComponent  // debug or release
        let make = try runProcess("/usr/bin/make", ["-s", "-C", FixtureTests.root, "install-files", "PREFIX=\(prefix)", "CONFIGURATION=\(configuration)"])
        XCTAssertEqual(make.status, 0, make.err)
        let installed = try runProcess(prefix + "/bin/zarr-conformance", ["--version"])
        XCTAssertEqual(installed.status, 0)
        XCTAssertTrue(installed.out.hasPrefix("zarr-conformance "), installed.out)
    }
}
