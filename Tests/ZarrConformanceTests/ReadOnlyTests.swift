import Foundation
import XCTest
@testable import ZarrConformance
@testable import ZarrCore

/// Issue 16: no command writes to the store it reads. Every command runs on a copy of part of
/// the catalog with write permission removed, as root (which permissions do not stop, so a hash
/// of the tree before and after is what shows a write) and as an unprivileged user (for whom a
/// write would fail: no command may fail for lack of write access).
final class ReadOnlyTests: XCTestCase {
    /// Stores of every format and shape of hierarchy: (path under Vectors/, node, an array?).
    static let stores: [(String, String, Bool)] = [
        ("fixtures/v2/zarr-python-2.18.7/dtype-li4.zarr", "", true),
        ("fixtures/v2/zarr-python-2.18.7/consolidated-nested.zarr", "group1/sub/arr", true),
        ("fixtures/v3/tensorstore-0.1.86/shard-nested.zarr", "", true),
        ("fixtures/spec/zarr-python-3.1.6/group-root.zarr", "g/a", true),
        ("fixtures/n5/tensorstore-0.1.86/dtype-int16.n5", "", true),
        ("fixtures/corrupt/v2/truncated-gzip-level1.zarr", "", false),
    ]

    var root = ""
    var unprivilegedBinary = ""
    override func tearDown() {
        if !root.isEmpty {
            _ = try? runProcess("/bin/chmod", ["-R", "u+w", root])
            try? FileManager.default.removeItem(atPath: root)
        }
    }

    /// Names, kinds, modes, sizes, modification times and contents of everything under `dir`.
    func treeHash(_ dir: String) throws -> String {
        var parts: [[UInt8]] = []
        let fm = FileManager.default
        let paths = try XCTUnwrap(fm.subpaths(atPath: dir)).sorted()
        for relative in paths {
            let path = dir + "/" + relative
            let a = try fm.attributesOfItem(atPath: path)
            let line = "\(relative)|\(a[.type] ?? "")|\(a[.posixPermissions] ?? "")|\(a[.size] ?? "")|\((a[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)\n"
            parts.append(Array(line.utf8))
            if a[.type] as? FileAttributeType == .typeRegular, let data = fm.contents(atPath: path) { parts.append(Array(data)) }
        }
        parts.append(Array("\((try fm.attributesOfItem(atPath: dir)[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)".utf8))
        var iterator = parts.makeIterator()
        return CanonicalDigest.sha256 { iterator.next() }
    }

    func testNoCommandWritesToAReadOnlyStore() throws {
        root = NSTemporaryDirectory() + "readonly-\(UUID().uuidString)"
        let fm = FileManager.default
        try fm.createDirectory(atPath: root + "/stores", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: root + "/vectors", withIntermediateDirectories: true)
        var copies: [(String, String, Bool)] = []
        for (i, (store, node, isArray)) in Self.stores.enumerated() {
            let copy = root + "/stores/\(i)-" + (store as NSString).lastPathComponent
            try fm.copyItem(atPath: FixtureTests.vectors + "/" + store, toPath: copy)
            copies.append((copy, node, isArray))
        }
        for folder in ["catalog", "cases"] { try fm.copyItem(atPath: FixtureTests.vectors + "/" + folder, toPath: root + "/vectors/" + folder) }
        // The unprivileged user runs a copy of the binary inside the tree: the checkout it was built
        // in may sit below a directory that user cannot enter (a CI clone under /root).
        try fm.copyItem(atPath: builtBinary, toPath: root + "/zarr-conformance")
        unprivilegedBinary = root + "/zarr-conformance"
        XCTAssertEqual(try runProcess("/bin/chmod", ["-R", "a-w", root]).status, 0)
        let manifestFile = NSTemporaryDirectory() + "readonly-manifest-\(UUID().uuidString).json"
        defer { try? fm.removeItem(atPath: manifestFile) }

        let before = try treeHash(root)
        // (arguments, exit statuses that are fine); a store that must be refused may exit 3 on reads.
        var commands: [([String], Set<Int32>)] = [(["cases", "--vectors", root + "/vectors"], [0]), (["cases", "--vectors", root + "/vectors", "--json"], [0])]
        for (copy, node, isArray) in copies {
            let n = node.isEmpty ? [] : ["--node", node]
            let read: Set<Int32> = isArray ? [0] : [0, 3]
            commands += [(["info", copy] + n, read), (["info", copy, "--json"] + n, read), (["info", copy], [0]),
                         (["validate", copy], isArray ? [0] : [1]), (["validate", "--format", "json", "--expect-chunks", "all", copy], [0, 1]),
                         (["validate", "--format", "sarif", "--spec", "3.0", copy], isArray ? [0] : [1]), (["manifest", copy], [0])]
            commands += [(["digest", copy] + n, read), (["cat", "--array_path", copy] + n, read)]
        }
        commands.append((["diff", copies[0].0, copies[0].0], [0]))
        commands.append((["diff", copies[1].0, copies[3].0, "--node-a", copies[1].1, "--node-b", copies[3].1], [0, 1]))

        for unprivileged in [false, true] {
            let user = unprivileged ? "nobody" : "root"
            let manifest = try run(["manifest", copies[0].0], unprivileged)
            XCTAssertEqual(manifest.status, 0, manifest.err)
            try Data(manifest.out.utf8).write(to: URL(fileURLWithPath: manifestFile))
            try fm.setAttributes([.posixPermissions: 0o644], ofItemAtPath: manifestFile)
            for (args, fine) in commands + [(["validate", "--expect-chunks", manifestFile, copies[0].0], [0])] {
                let r = try run(args, unprivileged)
                XCTAssertTrue(fine.contains(r.status), "\(user): \(args.joined(separator: " ")) exited \(r.status): \(r.err.prefix(300))")
                for sign in ["ermission denied", "ead-only file system", "EACCES", "EROFS", "Operation not permitted"] {
                    XCTAssertFalse((r.err + r.out).contains(sign), "\(user): \(args.joined(separator: " ")): \(r.err.prefix(300))")
                }
            }
            XCTAssertEqual(try treeHash(root), before, "\(user): the read-only tree changed")
        }
    }

    func run(_ args: [String], _ unprivileged: Bool) throws -> (status: Int32, out: String, err: String) {
        unprivileged ? try runProcess("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", unprivilegedBinary] + args) : try runProcess(builtBinary, args)
    }
}
