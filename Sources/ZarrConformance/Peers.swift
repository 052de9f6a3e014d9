import Foundation
import ZarrCore

/// Another implementation, driven through a committed Python script in a pinned venv.
public struct Peer: Sendable {
    public var name: String
    public var version: String
    /// The venv's python, relative to the repository root.
    public var python: String
    /// The reader's name for `Vectors/peers/read.py`.
    public var reader: String
    public var formats: Set<String>
    /// The axis order in which the peer presents N5 datasets (its reader turns them back to N5 order).
    public var n5Axes: N5Axes? = nil
    public static let script = "Vectors/peers/read.py"

    public var label: String { "\(name)-\(version)" }

    /// Every peer this machine can install (Vectors/peers/requirements-*.txt pin the versions).
    public static let all: [Peer] = [
        Peer(name: "zarr-python", version: "2.18.7", python: ".venv-peers-v2/bin/python", reader: "zarr-python-2", formats: ["v2", "n5"], n5Axes: .reversed),
        Peer(name: "zarr-python", version: "3.1.6", python: ".venv-peers/bin/python", reader: "zarr-python-3", formats: ["v2", "v3"]),
        Peer(name: "zarrs-python", version: "0.2.3", python: ".venv-peers/bin/python", reader: "zarrs-python", formats: ["v2", "v3"]),
        Peer(name: "tensorstore", version: "0.1.86", python: ".venv-peers/bin/python", reader: "tensorstore", formats: ["v2", "v3", "n5"], n5Axes: .native),
        Peer(name: "z5py", version: "3.0.2", python: ".venv-peers/bin/python", reader: "z5py", formats: ["v2", "v3", "n5"], n5Axes: .reversed),
        Peer(name: "zarr-n5", version: "0.3.0", python: ".venv-peers/bin/python", reader: "zarr-n5", formats: ["n5"], n5Axes: .native),
    ]

    public var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: python) }

    public struct Request {
        public var id: String
        public var store: String
        public var node: String
        public var consolidated: Bool
        public var format: String
        /// Where the peer writes the canonical bytes of what it read (to show where values differ).
        public var values: String? = nil
    }

    /// Reads every request; returns, per id, the digest and shape or the error text. A peer that
    /// crashes on a store is recorded as failing that store and started again for the rest.
    public func read(_ requests: [Request]) throws -> [String: Result<(String, [Int]), PeerError>] {
        var results: [String: Result<(String, [Int]), PeerError>] = [:]
        var pending = requests[...]
        while !pending.isEmpty {
            let (answers, status) = try run(Array(pending))
            results.merge(answers) { a, _ in a }
            guard let next = pending.firstIndex(where: { results[$0.id] == nil }) else { break }
            if status == 0 { // exited cleanly without answering: nothing more will come
                for r in pending[next...] where results[r.id] == nil { results[r.id] = .failure(PeerError(message: "the peer gave no answer", unsupported: false)) }
                break
            }
            results[pending[next].id] = .failure(PeerError(message: "the peer process crashed reading this store (exit status \(status))", unsupported: false))
            pending = pending[(next + 1)...]
        }
        return results
    }

    private func run(_ requests: [Request]) throws -> ([String: Result<(String, [Int]), PeerError>], Int32) {
        let list: JSON = .array(requests.map {
            .object(JSONObject([("id", .string($0.id)), ("store", .string($0.store)), ("node", .string($0.node)),
                                ("consolidated", .bool($0.consolidated)), ("format", .string($0.format)),
                                ("values", $0.values.map { .string($0) } ?? .null)]))
        })
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("peer-\(UUID().uuidString).json")
        try Data(list.serialized().utf8).write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [Self.script, reader, input.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let status = process.terminationStatus
        var results: [String: Result<(String, [Int]), PeerError>] = [:]
        for line in String(decoding: output, as: UTF8.self).split(separator: "\n") {
            guard let json = try? JSON.parse(String(line)), let id = json["id"]?.stringValue else { continue }
            if let sha = json["sha256"]?.stringValue, let shape = json["shape"]?.arrayValue?.compactMap(\.intValue) {
                results[id] = .success((sha, shape))
            } else {
                results[id] = .failure(PeerError(message: json["error"]?.stringValue ?? "no result",
                                                 unsupported: json["unsupported"]?.boolValue ?? false))
            }
        }
        return (results, status)
    }
}

public struct PeerError: Error, Sendable {
    public var message: String
    public var unsupported: Bool
}
