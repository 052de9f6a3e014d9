import Foundation

/// Runs a program to completion: exit status (or the signal that ended it), stdout and stderr,
/// read concurrently so neither pipe fills; a program still running after `timeout` seconds is
/// terminated.
public enum ProcessRunner {
    public struct Result: Sendable {
        public var status: Int32
        /// The signal that ended the process, if one did (a crash).
        public var signal: Int32?
        public var stdout: String
        public var stderr: String
        public var timedOut = false
    }

    /// Collects one pipe's bytes on a background thread.
    private final class Drain: @unchecked Sendable {  // `data` is written by the one reading thread, read after `done` is waited on
        var data = Data()
        let done = DispatchSemaphore(value: 0)
        init(_ handle: FileHandle) {
            Thread.detachNewThread { [self] in
                data = handle.readDataToEndOfFile()
                done.signal()
            }
        }
        func wait() -> Data { done.wait(); return data }
    }

    public static func run(_ argv: [String], directory: String? = nil, environment: [String: String] = [:], timeout: Double? = nil,
                           keepStderr: Bool = true) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: argv[0].contains("/") ? argv[0] : "/usr/bin/env")
        p.arguments = argv[0].contains("/") ? Array(argv.dropFirst()) : argv
        if let directory { p.currentDirectoryURL = URL(fileURLWithPath: directory) }
        if !environment.isEmpty { p.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new } }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = keepStderr ? err : FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let o = Drain(out.fileHandleForReading)
        let e = keepStderr ? Drain(err.fileHandleForReading) : nil
        var timer: DispatchWorkItem?
        let expired = TimeoutFlag()
        if let timeout {
            let item = DispatchWorkItem { [p] in
                if p.isRunning { expired.set(); p.terminate() }
            }
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: item)
            timer = item
        }
        let stdout = o.wait(), stderr = e?.wait() ?? Data()
        p.waitUntilExit()
        timer?.cancel()
        let crashed = p.terminationReason == .uncaughtSignal
        return Result(status: p.terminationStatus, signal: crashed ? p.terminationStatus : nil,
                      stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self), timedOut: expired.value)
    }

    private final class TimeoutFlag: @unchecked Sendable {  // guarded by `lock`
        private let lock = NSLock()
        private var flag = false
        func set() { lock.lock(); flag = true; lock.unlock() }
        var value: Bool { lock.lock(); defer { lock.unlock() }; return flag }
    }
}
