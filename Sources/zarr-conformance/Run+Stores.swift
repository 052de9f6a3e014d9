import Foundation
import ZarrConformance
import ZarrCore
import ZarrRemote

/// `run --store-kinds zip,http,s3`: the committed fixtures also read from a zip file, a loopback
/// HTTP server (scripts/http_server.py) and S3 (moto from .venv-moto), each a reader column.
enum FixtureStores {
    static func make(_ kinds: [String], vectors: String, work: String, s3Fixtures: inout Runner.S3Fixtures?,
                     progress: (String) -> Void) throws -> [(label: String, open: @Sendable (Case) throws -> any ReadableStore)] {
        let fixtures = vectors + "/fixtures"
        let repository = (vectors as NSString).deletingLastPathComponent.isEmpty ? "." : (vectors as NSString).deletingLastPathComponent
        @Sendable func relative(_ c: Case) -> String { String(c.storePath(vectors: vectors).dropFirst(fixtures.count + 1)) }
        let files = (FileManager.default.enumerator(atPath: fixtures)?.allObjects as? [String] ?? []).filter {
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: fixtures + "/" + $0, isDirectory: &isDirectory) && !isDirectory.boolValue
                && FileManager.default.isReadableFile(atPath: fixtures + "/" + $0)
        }
        var out: [(label: String, open: @Sendable (Case) throws -> any ReadableStore)] = []
        for kind in kinds {
            switch kind {
            case "zip":
                progress("zipping \(files.count) fixture files")
                let path = work + "/fixtures.zip"
                try? FileManager.default.removeItem(atPath: path)
                try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
                // Python's zipfile writes the archive in one pass (ZipStore rewrites its directory on every set).
                let zipper = Process()
                zipper.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                zipper.arguments = ["python3", "-c", "import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_STORED) as z:\n"
                                    + "    for f in sys.stdin.read().split('\\0')[:-1]: z.write(sys.argv[2] + '/' + f, f)", path, fixtures]
                let input = Pipe()
                zipper.standardInput = input
                try zipper.run()
                input.fileHandleForWriting.write(Data(files.map { $0 + "\0" }.joined().utf8))
                try input.fileHandleForWriting.close()
                zipper.waitUntilExit()
                guard zipper.terminationStatus == 0 else { throw ZarrError(.storage, "python3 could not write the fixtures zip", key: path) }
                let zip = try ZipStore(path: path)
                out.append(("zip", { try PrefixedStore(zip, prefix: relative($0)) }))
            case "http":
                let server = try LoopbackServer.http(repository: repository, root: fixtures)
                out.append(("http", { try Location.parse("\(server.base)/p/plain/\(relative($0))").synchronous() }))
            case "s3":
                let moto = try LoopbackServer.moto(python: repository + "/.venv-moto/bin/python")
                let env = ["AWS_ACCESS_KEY_ID": "conformance", "AWS_SECRET_ACCESS_KEY": "conformance", "AWS_REGION": "us-east-1"]
                let options = LocationOptions(environment: env, s3EndpointURL: moto.base)
                let s3 = try S3Store(bucket: "fixtures", prefix: "", options: try S3Options.fromEnvironment(env, endpointURL: moto.base, noSignRequest: false, http: HTTPOptions()))
                progress("uploading \(files.count) fixture files to S3 (moto on \(moto.base))")
                try wait {
                    try await s3.createBucket()
                    _ = try await AsyncStores.map(files, concurrency: 32) { file -> Bool in
                        guard let data = FileManager.default.contents(atPath: fixtures + "/" + file) else { return false }
                        try await s3.set(file, Array(data))
                        return true
                    }
                }
                out.append(("s3", { try Location.parse("s3://fixtures/\(relative($0))", options: options).synchronous() }))
                s3Fixtures = Runner.S3Fixtures(url: { "s3://fixtures/\(relative($0))" }, environment: env.merging(["AWS_ENDPOINT_URL": moto.base]) { a, _ in a })
            default:
                throw ZarrError(.invalidArgument, "unknown store kind '\(kind)' (zip, http, s3)")
            }
        }
        return out
    }

    /// Runs async work from this (non-cooperative) thread and waits for it.
    static func wait(_ work: @escaping @Sendable () async throws -> Void) throws {
        let done = DispatchSemaphore(value: 0)
        let failure = FailureBox()
        Task.detached {
            do { try await work() } catch { failure.set(error) }
            done.signal()
        }
        done.wait()
        if let error = failure.error { throw error }
    }
}

private final class FailureBox: @unchecked Sendable {  // `stored` is guarded by `lock`
    private let lock = NSLock()
    private var stored: (any Error)?
    func set(_ e: any Error) { lock.withLock { stored = e } }
    var error: (any Error)? { lock.withLock { stored } }
}
