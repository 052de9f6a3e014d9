import Foundation
import Synchronization
import XCTest
@testable import ZarrConformance
import ZarrCore
@testable import ZarrRemote
import ZarrTestSupport

/// Every committed fixture case read by this implementation from a directory, a zip file, an
/// HTTP server and S3 (moto), all on loopback: the same verdict and digest from each; and
/// validate on S3 flags every store that must be refused.
final class RemoteFixtureTests: XCTestCase {
    static let vectors = TestServers.repoRoot + "/Vectors"

    /// Outcome and digest, so that a difference shows which.
    static func verdict(_ c: Case, _ result: Result<(String, [Int]), ZarrError>) -> String {
        let (outcome, _) = OurReader.judge(c, result)
        if case .success(let (sha, shape)) = result { return "\(outcome.rawValue) \(sha) \(shape)" }
        return outcome.rawValue
    }

    static func relative(_ c: Case) -> String {
        String(c.storePath(vectors: Self.vectors).dropFirst((Self.vectors + "/fixtures/").count))
    }

    func testEveryFixtureReadsTheSameFromEveryStoreKind() throws {
        let cases = try Catalog.load(vectors: Self.vectors).filter { $0.storePath(vectors: Self.vectors).hasPrefix(Self.vectors + "/fixtures/") }
        XCTAssertGreaterThan(cases.count, 300)
        let expected = cases.map { Self.verdict($0, OurReader.read(store: $0.storePath(vectors: Self.vectors), node: $0.node, consolidated: $0.consolidated, format: $0.format)) }
        XCTAssertGreaterThan(expected.filter { $0.hasPrefix("pass") }.count, 250)

        // Zip: the fixtures tree in one stored zip file, each case a node path inside it (ST-08).
        let zipPath = NSTemporaryDirectory() + "fixtures-\(UUID().uuidString).zip"
        defer { try? FileManager.default.removeItem(atPath: zipPath) }
        let zipper = Process()
        zipper.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        zipper.arguments = ["python3", "-c", "import sys, zipfile, os\nwith zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_STORED) as z:\n"
                            + "    for d, _, fs in os.walk(sys.argv[2]):\n        for f in fs:\n            p = os.path.join(d, f)\n"
                            + "            if os.path.isfile(p) and os.access(p, os.R_OK): z.write(p, os.path.relpath(p, sys.argv[2]))", zipPath, Self.vectors + "/fixtures"]
        try zipper.run()
        zipper.waitUntilExit()
        XCTAssertEqual(zipper.terminationStatus, 0)

        // HTTP: the fixtures directory served as it is.
        let zipped = try ZipStore(path: zipPath)
        let http = try TestServers.httpServer(root: Self.vectors + "/fixtures")

        // S3: every fixture file uploaded to a bucket on moto.
        let moto = try TestServers.motoServer()
        let env = ["AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1"]
        let options = LocationOptions(environment: env, s3EndpointURL: moto.base)
        let bucket = "fixtures-\(UUID().uuidString.prefix(8).lowercased())"
        let s3 = try S3Store(bucket: bucket, prefix: "", options: try S3Options.fromEnvironment(env, endpointURL: moto.base, noSignRequest: false, http: HTTPOptions()))
        try upload(Self.vectors + "/fixtures", to: s3)

        // A store holding a file no directory read gets (a link loop, for ST-10) cannot be copied
        // to another kind of store: its copies lack that file.
        let copyable = cases.map { c in
            (FileManager.default.enumerator(atPath: c.storePath(vectors: Self.vectors))?.allObjects as? [String] ?? []).allSatisfy { file in
                let path = c.storePath(vectors: Self.vectors) + "/" + file
                var isDirectory: ObjCBool = false
                return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && (isDirectory.boolValue || FileManager.default.isReadableFile(atPath: path))
            }
        }
        XCTAssertEqual(copyable.filter { !$0 }.count, 1, "only the ST-10 link-loop store")
        // Sixteen cases at a time: each read waits on its store's requests, not on the cores.
        let differences = Mutex<[String]>([])
        let group = DispatchGroup(), slots = DispatchSemaphore(value: 16)
        for ((c, want), ok) in zip(zip(cases, expected), copyable) where ok {
            for location in ["\(zipPath)/\(Self.relative(c))", "\(http.base)/p/plain/\(Self.relative(c))", "s3://\(bucket)/\(Self.relative(c))"] {
                slots.wait()
                DispatchQueue.global().async(group: group) {
                    defer { slots.signal() }
                    let got: String
                    do {
                        // The zip file's directory is read once; each case is a node path inside it.
                        let store = location.hasPrefix(zipPath) ? try PrefixedStore(zipped, prefix: Self.relative(c))
                            : try Location.parse(location, options: options).synchronous()
                        got = Self.verdict(c, OurReader.read(in: store, node: c.node, consolidated: c.consolidated, format: c.format))
                    } catch { got = "could not open: \(error)" }
                    if got != want { differences.withLock { $0.append("\(c.id) via \(location.prefix(5)): \(got), the directory gives \(want)") } }
                }
            }
        }
        group.wait()
        let found = differences.withLock { $0 }
        XCTAssertEqual(found, [], found.prefix(10).joined(separator: "\n"))

        // validate on S3: every store that must be refused has an error finding.
        var unflagged: [String] = []
        for (c, ok) in zip(cases, copyable) where ok && c.expected.isRefusal && c.validateFindings == nil {
            let store = try Location.parse("s3://\(bucket)/\(Self.relative(c))", options: options).synchronous()
            let report = try Validator().validate(store: store)
            if !report.findings.contains(where: { $0.severity == .error }) { unflagged.append(c.id) }
        }
        XCTAssertEqual(unflagged, [])
    }
}

/// Creates the bucket and uploads every readable file under `root`, 32 at a time; blocks the
/// calling (non-cooperative) thread until done.
func upload(_ root: String, to s3: S3Store) throws {
    let files = (FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? []).filter {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: root + "/" + $0, isDirectory: &isDirectory) && !isDirectory.boolValue
            && FileManager.default.isReadableFile(atPath: root + "/" + $0)
    }
    let done = DispatchSemaphore(value: 0)
    let failure = Mutex<(any Error)?>(nil)
    Task.detached {
        do {
            try await S3Fixture.createBucket(s3.bucket, options: s3.options)
            _ = try await AsyncStores.map(files, concurrency: 32) { file -> Bool in
                guard let data = FileManager.default.contents(atPath: root + "/" + file) else { return false }
                try await s3.set(file, Array(data))
                return true
            }
        } catch { failure.withLock { $0 = error } }
        done.signal()
    }
    done.wait()
    if let error = failure.withLock({ $0 }) { throw error }
}
