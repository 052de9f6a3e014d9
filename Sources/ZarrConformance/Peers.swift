import Foundation
import ZarrCore

/// Another implementation in the matrix, declared as data in `Vectors/peers/peers.json` (or given
/// on the command line as `run --adapter NAME=COMMAND`). docs/adapters.md describes the contract.
public struct Peer: Sendable {
    /// How the matrix talks to the peer's reader.
    public enum AdapterProtocol: String, Sendable {
        /// The command gets one JSON file of requests and prints one JSON line per request
        /// (`Vectors/peers/read.py`): one process for many arrays.
        case batch
        /// The reader contract: `COMMAND --array_path PATH [--node NODE] [--digest]`, one process per array.
        case cli
    }

    public var name: String
    public var version: String
    /// The reader's command: an argument vector (batch), or one shell command line (cli).
    public var command: [String]
    public var adapterProtocol: AdapterProtocol = .batch
    /// A cli reader that understands `--digest`.
    public var digest = false
    public var formats: Set<String>
    /// `reader`, `writer` (a writer adapter, or a writer of committed fixtures).
    public var roles: Set<String> = ["reader"]
    /// The axis order in which the peer presents N5 datasets (its reader turns them back to N5 order).
    public var n5Axes: N5Axes? = nil
    /// A command that must exit 0 for the peer to count as available.
    public var probe: [String]? = nil
    /// How it installs, in words (from `install` in peers.json), for the reports.
    public var install = ""
    /// A cli writer adapter: `COMMAND --manifest FILE --output DIR` (docs/adapters.md).
    public var writeCommand: String? = nil
    /// Variables set for the peer's processes (`env` in peers.json), over the run's own environment.
    public var environment: [String: String] = [:]
    /// Kinds of remote store the peer's adapter reads besides directories (`stores` in
    /// peers.json: `s3`, given as `s3://BUCKET/PREFIX` with `AWS_ENDPOINT_URL` and credentials).
    public var stores: Set<String> = []
    /// The directory commands run in (the repository root).
    public var root = FileManager.default.currentDirectoryPath
    /// Why the peer cannot be used here; nil when it is available (see `checked()`).
    public var unavailable: String? = nil

    public var label: String { version.isEmpty ? name : "\(name)-\(version)" }
    public var isReader: Bool { roles.contains("reader") && !command.isEmpty }
    public var isAvailable: Bool { unavailable == nil }

    public init(name: String, version: String, command: [String], adapterProtocol: AdapterProtocol = .batch, formats: Set<String>,
                roles: Set<String> = ["reader"], n5Axes: N5Axes? = nil) {
        self.name = name
        self.version = version
        self.command = command
        self.adapterProtocol = adapterProtocol
        self.formats = formats
        self.roles = roles
        self.n5Axes = n5Axes
    }

    public static let declarations = "peers/peers.json"

    /// Every peer declared in `vectors/peers/peers.json`; commands run from the folder above `vectors`.
    public static func load(vectors: String) throws -> [Peer] {
        let path = vectors + "/" + declarations
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let root = URL(fileURLWithPath: vectors, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath + "/"))
            .standardizedFileURL.deletingLastPathComponent().path
        let json: JSON
        do { json = try JSON.parse(Array(data)) } catch var e as ZarrError { e.key = path; throw e }
        return try (json["peers"]?.arrayValue ?? []).map { try Peer(declaration: $0, root: root, file: path) }
    }

    init(declaration d: JSON, root: String, file: String) throws {
        guard let name = d["name"]?.stringValue, let formats = d["formats"]?.arrayValue?.compactMap(\.stringValue) else {
            throw ZarrError(.invalidMetadata, "a peer needs name and formats", key: file)
        }
        self.name = name
        version = d["version"]?.stringValue ?? ""
        self.formats = Set(formats)
        roles = Set(d["roles"]?.arrayValue?.compactMap(\.stringValue) ?? ["reader"])
        n5Axes = d["n5_axes"]?.stringValue.flatMap(N5Axes.init(rawValue:))
        self.root = root
        let adapter = d["adapter"]
        adapterProtocol = adapter?["protocol"]?.stringValue.flatMap(AdapterProtocol.init(rawValue:)) ?? .batch
        if let list = adapter?["command"]?.arrayValue { command = list.compactMap(\.stringValue) }
        else if let line = adapter?["command"]?.stringValue { command = [line] }
        else { command = [] }
        digest = adapter?["digest"]?.boolValue ?? false
        writeCommand = adapter?["write"]?.stringValue
        probe = d["probe"]?.arrayValue?.compactMap(\.stringValue)
        for (k, v) in d["env"]?.objectValue ?? JSONObject() { environment[k] = v.stringValue }
        stores = Set(d["stores"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        if let i = d["install"]?.objectValue {
            var parts: [String] = []
            if let p = i["python"]?.stringValue { parts.append(p == "system" ? "Debian's /usr/bin/python3" : "Python \(p)") }
            if let v = i["venv"]?.stringValue { parts.append("venv \(v) from \(i["requirements"]?.stringValue ?? "?")") }
            if let debs = i["debian"]?.arrayValue?.compactMap(\.stringValue), !debs.isEmpty { parts.append("Debian " + debs.joined(separator: ", ")) }
            install = parts.joined(separator: "; ")
        }
    }

    /// A peer given as `NAME[:ROLE,…]=COMMAND` (`run --adapter`): ROLE is `reader` (the default),
    /// `writer`, `digest` (the reader understands `--digest`) or a format (`v2`, `v3`, `n5`; all by default).
    public static func adapter(_ spec: String) throws -> Peer {
        guard let eq = spec.firstIndex(of: "="), eq != spec.startIndex else {
            throw ZarrError(.invalidArgument, "an adapter is NAME=COMMAND or NAME:ROLES=COMMAND, not '\(spec)'")
        }
        let head = spec[..<eq], command = String(spec[spec.index(after: eq)...])
        let parts = head.split(separator: ":", maxSplits: 1)
        let name = String(parts[0])
        let words = parts.count > 1 ? parts[1].split(separator: ",").map(String.init) : []
        let known: Set<String> = ["reader", "writer", "digest", "v2", "v3", "n5"]
        if let bad = words.first(where: { !known.contains($0) }) {
            throw ZarrError(.invalidArgument, "adapter '\(name)': unknown role '\(bad)' (reader, writer, digest, v2, v3, n5)")
        }
        guard !command.trimmingCharacters(in: .whitespaces).isEmpty else { throw ZarrError(.invalidArgument, "adapter '\(name)' has no command") }
        var roles = Set(words.filter { $0 == "reader" || $0 == "writer" })
        if roles.isEmpty { roles = ["reader"] }
        let formats = Set(words.filter { $0.hasPrefix("v") || $0 == "n5" })
        var peer = Peer(name: name, version: "", command: roles.contains("reader") ? [command] : [], adapterProtocol: .cli,
                        formats: formats.isEmpty ? ["v2", "v3", "n5"] : formats, roles: roles)
        peer.digest = words.contains("digest")
        if roles.contains("writer") { peer.writeCommand = command }
        peer.install = "given with run --adapter"
        // A plain program name or path is looked up before the run; a shell line (a function, a
        // pipeline) is left to fail per array with its own message.
        let program = firstWord(command)
        if !program.isEmpty, program.unicodeScalars.allSatisfy({ CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/+-").contains($0) }) {
            peer.probe = ["/bin/sh", "-c", "command -v '\(program)' >/dev/null || { echo '\(program): command not found' >&2; exit 127; }"]
        }
        return peer
    }

    static func firstWord(_ line: String) -> String {
        String(line.split(separator: " ", omittingEmptySubsequences: true).first ?? "")
    }

    /// The peer with `unavailable` set when its command is missing or its probe fails.
    public func checked() -> Peer {
        var p = self
        p.unavailable = availabilityProblem()
        return p
    }

    func availabilityProblem() -> String? {
        if adapterProtocol == .batch, roles.contains("reader") {
            guard let executable = command.first else { return "no reader command is declared" }
            let path = resolve(executable)
            guard FileManager.default.isExecutableFile(atPath: path) else { return "\(executable) is missing (run make setup; install: \(install))" }
        }
        guard let probe, !probe.isEmpty else { return nil }
        do {
            let r = try ProcessRunner.run([resolve(probe[0])] + probe.dropFirst(), directory: root, environment: environment, timeout: 120)
            if r.status == 0 { return nil }
            let last = r.stderr.split(separator: "\n").last.map(String.init) ?? "exit status \(r.status)"
            return "it does not start: \(last.prefix(200)) (install: \(install))"
        } catch {
            return "\(probe[0]) cannot be started: \(error) (install: \(install))"
        }
    }

    /// A relative program path is taken from the repository root.
    func resolve(_ executable: String) -> String {
        executable.hasPrefix("/") || !executable.contains("/") ? executable : root + "/" + executable
    }

    public struct Request {
        public var id: String
        public var store: String
        public var node: String
        public var consolidated: Bool
        public var format: String
        /// Where the peer writes the canonical bytes of what it read (to show where values differ).
        public var values: String? = nil

        public init(id: String, store: String, node: String, consolidated: Bool, format: String, values: String? = nil) {
            self.id = id
            self.store = store
            self.node = node
            self.consolidated = consolidated
            self.format = format
            self.values = values
        }
    }

    /// Reads every request; returns, per id, the digest and shape or the error text. A batch peer
    /// that crashes on a store is recorded as failing that store and started again for the rest;
    /// a cli peer runs once per array.
    public func read(_ requests: [Request]) throws -> [String: Result<(String, [Int]), PeerError>] {
        let requests = requests.map { r -> Request in
            var r = r
            r.store = absolute(r.store)
            return r
        }
        if adapterProtocol == .cli { return readEach(requests) }
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

    func absolute(_ path: String) -> String {
        path.hasPrefix("/") || path.contains("://") ? path : FileManager.default.currentDirectoryPath + "/" + path
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
        let r = try ProcessRunner.run([resolve(command[0])] + command.dropFirst() + [input.path], directory: root, environment: environment, keepStderr: false)
        var results: [String: Result<(String, [Int]), PeerError>] = [:]
        for line in r.stdout.split(separator: "\n") {
            guard let json = try? JSON.parse(String(line)), let id = json["id"]?.stringValue else { continue }
            if let sha = json["sha256"]?.stringValue, let shape = json["shape"]?.arrayValue?.compactMap(\.intValue) {
                results[id] = .success((sha, shape))
            } else {
                results[id] = .failure(PeerError(message: json["error"]?.stringValue ?? "no result",
                                                 unsupported: json["unsupported"]?.boolValue ?? false))
            }
        }
        return (results, r.status)
    }
}

public struct PeerError: Error, Sendable {
    public var message: String
    public var unsupported: Bool
    /// The peer read values, and they differ from the expected ones (a cli reader's printed values).
    public var mismatch = false

    public init(message: String, unsupported: Bool, mismatch: Bool = false) {
        self.message = message
        self.unsupported = unsupported
        self.mismatch = mismatch
    }
}

extension Peer {
    /// The peer's entry in the reports' list of implementations.
    var statusJSON: JSON {
        var o = JSONObject()
        o["label"] = .string(label)
        o["roles"] = .array(roles.sorted().map { .string($0) })
        o["formats"] = .array(formats.sorted().map { .string($0) })
        if !stores.isEmpty { o["stores"] = .array(stores.sorted().map { .string($0) }) }
        o["status"] = .string(isAvailable ? "available" : "unavailable")
        if let why = unavailable { o["reason"] = .string(why) }
        if !install.isEmpty { o["install"] = .string(install) }
        return .object(o)
    }
}
