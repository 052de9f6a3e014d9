import Foundation
import ZarrCore

/// The adapter contract of docs/adapters.md, one process per array (reader) or per manifest (writer).
extension Peer {
    /// Seconds one adapter process may take for one array or one manifest.
    public static let adapterTimeout = 300.0

    /// `sh -c 'COMMAND "$@"' adapter ARGS…`: the command is a shell line (it may hold words and
    /// variables); the arguments are passed as they are, never re-split.
    func shell(_ line: String, _ args: [String]) -> [String] {
        ["/bin/sh", "-c", line + " \"$@\"", "adapter"] + args
    }

    /// Each request in its own process, in parallel across cores.
    func readEach(_ requests: [Request]) -> [String: Result<(String, [Int]), PeerError>] {
        let answers = (try? Parallel.map(requests.count) { i in readOne(requests[i]) }) ?? []
        var out: [String: Result<(String, [Int]), PeerError>] = [:]
        for (r, a) in zip(requests, answers) { out[r.id] = a }
        return out
    }

    func readOne(_ r: Request) -> Result<(String, [Int]), PeerError> {
        guard let line = command.first else { return .failure(PeerError(message: "no reader command", unsupported: true)) }
        var args = ["--array_path", r.store]
        if !r.node.isEmpty { args += ["--node", r.node] }
        if digest { args.append("--digest") }
        // What the command line cannot say (which metadata a dual v2/v3 node is read through,
        // consolidated metadata) is in the environment, for adapters that care.
        let environment = ["ZARR_CONFORMANCE_FORMAT": r.format, "ZARR_CONFORMANCE_CONSOLIDATED": r.consolidated ? "1" : "0"]
        let result: ProcessRunner.Result
        do { result = try ProcessRunner.run(shell(line, args), directory: root, environment: environment, timeout: Self.adapterTimeout) } catch {
            return .failure(PeerError(message: "the adapter cannot be started: \(error)", unsupported: false))
        }
        if result.timedOut { return .failure(PeerError(message: "the adapter took more than \(Int(Self.adapterTimeout)) s", unsupported: false)) }
        if let signal = result.signal { return .failure(PeerError(message: "the adapter crashed reading this store (signal \(signal))", unsupported: false)) }
        guard result.status == 0 else {
            let text = result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            let message = text.isEmpty ? "exit status \(result.status), nothing on stderr" : String(text.suffix(400))
            let lower = message.lowercased()
            return .failure(PeerError(message: message, unsupported: ["not supported", "unsupported", "not implemented"].contains { lower.contains($0) }))
        }
        if digest {
            let last = result.stdout.split(separator: "\n").last.map(String.init) ?? ""
            guard let json = try? JSON.parse(last), let sha = json["sha256"]?.stringValue, let shape = json["shape"]?.arrayValue?.compactMap(\.intValue) else {
                return .failure(PeerError(message: "--digest printed no {\"sha256\", \"shape\"} line: \(last.prefix(200))", unsupported: false))
            }
            return .success((sha, shape))
        }
        var lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return Self.judgePrinted(lines, store: r.store, node: r.node, consolidated: r.consolidated, format: r.format)
    }

    /// The digest the printed elements stand for: compared by value (`PrintedValues`) with this
    /// implementation's read of the same store, whose digest they then share. Printed values that
    /// differ are a mismatch; values for a store this implementation cannot read are `unverified`.
    static func judgePrinted(_ lines: [String], store: String, node: String, consolidated: Bool, format: String) -> Result<(String, [Int]), PeerError> {
        let array: ZarrArray
        var ours: [String] = []
        let sha: String
        do {
            guard case .array(let a) = try ZarrNode.open(store: FilesystemStore(root: store), path: node, consolidated: consolidated,
                                                         zarrFormat: ZarrFormat(caseFormat: format)) else {
                throw ZarrError(.notFound, "the node is a group, not an array", key: node)
            }
            array = a
            try a.forEachSlab { slab, _ in ours += a.elementsJSON(slab).map { $0.serialized() } }
            sha = try CanonicalDigest.compute(a).sha256
        } catch {
            return .success((unverified, [lines.count]))
        }
        if let m = PrintedValues.firstMismatch(ours, lines, type: array.dataType) {
            let detail: String
            switch (m.expected, m.actual) {
            case (nil, _): detail = "the adapter printed \(lines.count) elements for \(ours.count)"
            case (_, nil): detail = "the adapter printed \(lines.count) elements for \(ours.count)"
            case (let e?, let a?): detail = "element \(m.index) (C order): the adapter printed \(a.prefix(80)), this implementation reads \(e.prefix(80))"
            }
            return .failure(PeerError(message: "values differ from this implementation's read of the store: \(detail)", unsupported: false, mismatch: true))
        }
        return .success((sha, array.shape))
    }

    /// Marks printed values that could not be compared (this implementation cannot read the store).
    public static let unverified = "unverified"

    /// Has a writer adapter write the store a manifest describes: `COMMAND --manifest FILE --output DIR`.
    public func write(manifest: String, to directory: String) -> Result<Void, PeerError> {
        guard let line = writeCommand else { return .failure(PeerError(message: "not a writer", unsupported: true)) }
        try? FileManager.default.removeItem(atPath: directory)
        do {
            let r = try ProcessRunner.run(shell(line, ["--manifest", absolute(manifest), "--output", absolute(directory)]), directory: root,
                                          timeout: Self.adapterTimeout)
            if r.status == 0 && r.signal == nil && !r.timedOut { return .success(()) }
            let text = r.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            let message = r.timedOut ? "timed out" : r.signal.map { "crashed (signal \($0))" } ?? (text.isEmpty ? "exit status \(r.status)" : String(text.suffix(400)))
            let lower = message.lowercased()
            return .failure(PeerError(message: "write failed: " + message, unsupported: ["not supported", "unsupported", "not implemented"].contains { lower.contains($0) }))
        } catch {
            return .failure(PeerError(message: "the adapter cannot be started: \(error)", unsupported: false))
        }
    }
}
