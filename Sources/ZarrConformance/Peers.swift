import Foundation
import ZarrCore

/// Another implementation, driven through a committed Python script in a pinned venv.
public struct Peer: Sendable {
    public var name: String
    public var version: String
    /// The venv's python, relative to the repository root.
    public var python: String
    /// The reader script, relative to the repository root.
    public var script: String
    public var formats: Set<String>

    public var label: String { "\(name)-\(version)" }

    public static let zarrPython2 = Peer(name: "zarr-python", version: "2.18.7", python: ".venv-peers-v2/bin/python",
                                         script: "Vectors/peers/zarr_python_2_read.py", formats: ["v2"])

    public var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: python) }

    public struct Request {
        public var id: String
        public var store: String
        public var node: String
        public var consolidated: Bool
    }

    /// Reads every request in one process; returns, per id, the digest and shape or the error text.
    public func read(_ requests: [Request]) throws -> [String: Result<(String, [Int]), PeerError>] {
        let list: JSON = .array(requests.map {
            .object(JSONObject([("id", .string($0.id)), ("store", .string($0.store)), ("node", .string($0.node)),
                                ("consolidated", .bool($0.consolidated))]))
        })
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("peer-\(UUID().uuidString).json")
        try Data(list.serialized().utf8).write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script, input.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
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
        return results
    }
}

public struct PeerError: Error, Sendable {
    public var message: String
    public var unsupported: Bool
}
