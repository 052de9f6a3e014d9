import Foundation
import Synchronization
import XCTest
import ZarrConformance

public enum TestServers {
    public static let repoRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }  // TestServers.swift, ZarrTestSupport, Sources
        return url.path
    }()

    private static let http = Mutex<[String: LoopbackServer]>([:])
    private static let moto = Mutex<Result<LoopbackServer, any Error>?>(nil)

    /// The range-capable server (scripts/http_server.py) serving `root` (nil: a fresh temporary
    /// directory), one per root for the test process.
    public static func httpServer(root: String? = nil) throws -> LoopbackServer {
        try http.withLock { servers in
            if let server = servers[root ?? ""] { return server }
            let dir = root ?? NSTemporaryDirectory() + "zarr-remote-http-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let started = try LoopbackServer.http(repository: repoRoot, root: dir)
            servers[root ?? ""] = started
            return started
        }
    }

    /// moto's S3 server from the venv scripts/setup.sh makes (`make test` runs it first).
    public static func motoServer() throws -> LoopbackServer {
        try moto.withLock { state in
            if let state { return try state.get() }
            let result = Result<LoopbackServer, any Error> {
                let python = repoRoot + "/.venv-moto/bin/python"
                guard FileManager.default.isExecutableFile(atPath: python) else {
                    throw XCTSkip("moto is not installed: run `bash scripts/setup.sh` (make test does) to create .venv-moto")
                }
                do { return try LoopbackServer.moto(python: python) } catch { throw XCTSkip("moto did not start: \(error)") }
            }
            state = result
            return try result.get()
        }
    }

    /// A file under the HTTP server's root.
    public static func write(_ server: LoopbackServer, _ key: String, _ value: [UInt8]) throws {
        let path = server.root + "/" + key
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(value).write(to: URL(fileURLWithPath: path))
    }
}
