import Foundation
import Synchronization
import XCTest

/// Servers on loopback that the tests start themselves, once per test process, and that exit
/// with it (each watches its parent's pid).
public final class LoopbackServer: Sendable {
    public let port: Int
    let process: Process
    public let root: String

    init(port: Int, process: Process, root: String) {
        self.port = port
        self.process = process
        self.root = root
    }

    public var base: String { "http://127.0.0.1:\(port)" }

    /// Starts `executable arguments`, waiting for a line `PORT n` on its stdout (`portLine`) or
    /// for `port` to accept connections.
    public static func start(_ executable: String, _ arguments: [String], root: String, port fixedPort: Int? = nil, environment: [String: String]? = nil) throws -> LoopbackServer {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        if let fixedPort {
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline {
                if canConnect(fixedPort) { return LoopbackServer(port: fixedPort, process: process, root: root) }
                guard process.isRunning else { break }
                usleep(100_000)
            }
            process.terminate()
            throw XCTSkip("\(executable) did not start listening on port \(fixedPort)")
        }
        var line = Data()
        let handle = out.fileHandleForReading
        while true {
            let byte = handle.readData(ofLength: 1)
            if byte.isEmpty || byte == Data([10]) { break }
            line += byte
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5)) else {
            process.terminate()
            throw NSError(domain: "LoopbackServer", code: 1, userInfo: [NSLocalizedDescriptionKey: "no port from \(executable): \(text)"])
        }
        return LoopbackServer(port: port, process: process, root: root)
    }

    public static func canConnect(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    public static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

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
            let script = repoRoot + "/scripts/http_server.py"
            let started = try LoopbackServer.start("/usr/bin/env", ["python3", script, "--root", dir, "--parent-pid", "\(getpid())"], root: dir)
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
                let port = LoopbackServer.freePort()
                // A wrapper that exits when this process does, then runs moto's server.
                let code = """
                import os, sys, threading, time
                parent = \(getpid())
                def watch():
                    while os.getppid() == parent: time.sleep(0.5)
                    os._exit(0)
                threading.Thread(target=watch, daemon=True).start()
                from moto.server import main
                sys.exit(main(["-H", "127.0.0.1", "-p", "\(port)"]))
                """
                var env = ProcessInfo.processInfo.environment
                env["MOTO_ALLOW_NONEXISTENT_REGION"] = "true"
                return try LoopbackServer.start(python, ["-c", code], root: "", port: port, environment: env)
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
