import Foundation
#if canImport(Glibc)
import Glibc
#endif

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

    public struct Failure: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Stops the server (it also exits with this process).
    public func stop() { if process.isRunning { process.terminate() } }

    /// scripts/http_server.py (range-capable, with misbehaving profiles under /p/PROFILE/) serving `root`.
    public static func http(repository: String, root: String) throws -> LoopbackServer {
        try start("/usr/bin/env", ["python3", repository + "/scripts/http_server.py", "--root", root, "--parent-pid", "\(getpid())"], root: root)
    }

    /// moto's S3 server from `python` (the venv scripts/setup.sh makes), exiting with this process.
    public static func moto(python: String) throws -> LoopbackServer {
        let port = freePort()
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
        return try start(python, ["-c", code], root: "", port: port, environment: env)
    }

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
            throw LoopbackServer.Failure(message: "\(executable) did not start listening on port \(fixedPort)")
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
            throw LoopbackServer.Failure(message: "no port from \(executable): \(text)")
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
