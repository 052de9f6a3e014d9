import Foundation
import XCTest
@testable import ZarrConformance
import ZarrCore

/// Runs the real binary and checks its output and exit codes (0 ok, 1 findings, 2 usage, 3 unreadable).
final class CLITests: XCTestCase {
    static let fixtures = FixtureTests.vectors + "/fixtures/v2/zarr-python-2.18.7"

    func run(_ args: [String]) throws -> (status: Int32, out: String, err: String) { try runCLI(args) }
}

/// The built `zarr-conformance` binary, next to the test bundle.
var builtBinary: String {
    var dir = Bundle.main.bundleURL
    if dir.pathExtension == "xctest" { dir = dir.deletingLastPathComponent() }
    return dir.appendingPathComponent("zarr-conformance").path
}

/// Runs the built `zarr-conformance` binary: exit status, stdout, stderr.
func runCLI(_ args: [String]) throws -> (status: Int32, out: String, err: String) { try runProcess(builtBinary, args) }

/// Runs a program to completion (in `environment` when given): exit status, stdout, stderr.
func runProcess(_ executable: String, _ args: [String], environment: [String: String]? = nil) throws -> (status: Int32, out: String, err: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = args
    if let environment { p.environment = environment }
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
}

extension CLITests {

    func testDigestPrintsTheCatalogDigest() throws {
        let r = try run(["digest", Self.fixtures + "/dtype-bi8.zarr"])
        XCTAssertEqual(r.status, 0, r.err)
        let json = try JSON.parse(r.out.trimmingCharacters(in: .whitespacesAndNewlines))
        let expected = try Catalog.expectedDigest(id: "v2/zarr-python-2.18.7/dtype-bi8")
        XCTAssertEqual(json["sha256"]?.stringValue, expected)
        XCTAssertEqual(json["shape"], [20, 15])
        XCTAssertEqual(json["data_type"], ">i8")
        XCTAssertEqual(json["format"], "v2")
    }

    func testCatPrintsOneFillValueJSONPerElement() throws {
        let r = try run(["cat", "--array_path", Self.fixtures + "/fill-nan-missing-chunks.zarr"])
        XCTAssertEqual(r.status, 0, r.err)
        let lines = r.out.split(separator: "\n")
        XCTAssertEqual(lines.count, 300)
        XCTAssertEqual(lines[7], "\"NaN\"", "element (0,7) lies in a missing chunk and reads as the NaN fill")
        let strings = try run(["cat", "--array_path", Self.fixtures + "/zero-d-vlen-utf8.zarr"])
        XCTAssertEqual(strings.out, "\"🙂 scalar\"\n")
    }

    func testInfoOnAGroupListsMembers() throws {
        let r = try run(["info", Self.fixtures + "/consolidated-nested.zarr", "--node", "group1/sub", "--json"])
        XCTAssertEqual(r.status, 0, r.err)
        let json = try JSON.parse(r.out)
        XCTAssertEqual(json["node_type"], "group")
        XCTAssertEqual(json["members"]?.arrayValue?.first?["name"], "arr")
    }

    func testUnreadableStoresExitThreeWithOneLine() throws {
        for (path, needle) in [(Self.fixtures + "/refuse-not-json.zarr", ".zarray"), ("/nonexistent/store", "no such file"),
                               (Self.fixtures + "/refuse-crc32-mismatch.zarr", "checksum mismatch"),
                               (Self.fixtures + "/refuse-pickle.zarr", "pickle")] {
            let r = try run(["digest", path])
            XCTAssertEqual(r.status, 3, path)
            XCTAssertEqual(r.err.split(separator: "\n").count, 1, r.err)
            XCTAssertTrue(r.err.contains(needle), "\(r.err) lacks \(needle)")
        }
    }

    func testUsageErrorExitsTwo() throws {
        XCTAssertEqual(try run(["digest"]).status, 2)
        XCTAssertEqual(try run(["no-such-command"]).status, 2)
    }
}

extension Catalog {
    static func expectedDigest(id: String) throws -> String? {
        guard let c = try load(vectors: FixtureTests.vectors).first(where: { $0.id == id }), case .read(let sha, _) = c.expected else { return nil }
        return sha
    }
}

extension CLITests {
    func testV3DigestCatAndGroupInfo() throws {
        let v3 = FixtureTests.vectors + "/fixtures/v3"
        let r = try run(["digest", v3 + "/tensorstore-0.1.86/shard-nested.zarr"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(try JSON.parse(r.out)["sha256"]?.stringValue, try Catalog.expectedDigest(id: "v3/tensorstore-0.1.86/shard-nested"))
        XCTAssertEqual(try JSON.parse(r.out)["format"], "v3")
        let cat = try run(["cat", "--array_path", v3 + "/tensorstore-0.1.86/fill-nan-payload.zarr"])
        XCTAssertEqual(cat.out.split(separator: "\n")[7], "\"0x7fc00001\"", "a missing chunk reads as the hex NaN fill, printed in v3 form")
        let info = try run(["info", v3 + "/zarr-python-3.1.6/consolidated.zarr", "--node", "g1", "--json"])
        XCTAssertEqual(info.status, 0, info.err)
        XCTAssertEqual(try JSON.parse(info.out)["members"]?.arrayValue?.first?["name"], "g2")
        XCTAssertEqual(try run(["digest", v3 + "/zarr-python-3.1.6/refuse-shard-crc.zarr"]).status, 3)
    }
}
