import Foundation
import ZarrCore

/// Checks a store written by any tool against the rules in `Rules.all`: metadata, structure and,
/// unless `metadataOnly`, every chunk. Store contents are untrusted: nothing here trusts a size,
/// a key or a link. Memory stays at a few chunks: chunks are decoded a core's worth at a time.
public struct Validator {
    public var metadataOnly = false
    public var maxDepth = 64
    public var maxFindingsPerRule = 200
    public var progress: (String) -> Void = { _ in }

    public init() {}

    public struct Report: Sendable {
        public var findings: [Finding]
        public var nodes: Int
        public var chunks: Int
        public func fails(at level: Rule.Severity?) -> Bool {
            guard let level else { return false }
            return findings.contains { $0.severity >= level }
        }
    }

    /// Throws only when the store cannot be read at all (missing path, permission): exit 3.
    public func validate(root: String) throws -> Report {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ZarrError(.notFound, "no such directory", key: root)
        }
        guard FileManager.default.isReadableFile(atPath: root), (try? FileManager.default.contentsOfDirectory(atPath: root)) != nil else {
            throw ZarrError(.storage, "permission denied", key: root)
        }
        let sink = FindingSink(cap: maxFindingsPerRule)
        let walk = Walk(root: root, maxDepth: maxDepth, sink: sink)
        progress("listed \(walk.files.count) files")
        let store = FilesystemStore(root: root)
        var nodes = 0, chunks = 0
        let nodeDirectories = walk.nodeDirectories()
        if nodeDirectories.isEmpty {
            sink.add(Finding("structure.no-metadata", ".", "no Zarr or N5 metadata found at \(root) (.zarray, .zgroup, zarr.json or attributes.json)"))
        }
        for directory in nodeDirectories {
            nodes += 1
            let checked = NodeCheck(store: store, directory: directory, walk: walk, sink: sink)
            guard let array = checked.run() else { continue }
            let keys = checked.chunkKeys(array, nodeDirectories: nodeDirectories)
            chunks += keys.count
            if !metadataOnly { checkChunks(array, keys: keys, sink: sink) }
        }
        return Report(findings: sink.all(), nodes: nodes, chunks: chunks)
    }

    /// Decodes every chunk, a core's worth at a time.
    func checkChunks(_ array: ZarrArray, keys: [(String, [Int])], sink: FindingSink) {
        let batch = 256
        var start = 0
        while start < keys.count {
            let slice = Array(keys[start..<min(start + batch, keys.count)])
            try? Parallel.forEach(slice.count) { i in
                let (key, indices) = slice[i]
                do { _ = try array.readChunk(indices) } catch let e as ZarrError {
                    sink.add(Finding(Self.dataRule(e), key, e.description))
                } catch {
                    sink.add(Finding("data.chunk.decode", key, "\(error)"))
                }
            }
            start += batch
            progress("checked \(min(start, keys.count)) of \(keys.count) chunks of \(array.path.isEmpty ? "/" : array.path)")
        }
        if case .n5(let m, _) = array.metadata, m.compression["type"]?.stringValue == "lz4", let (key, _) = keys.first,
           let bytes = try? array.store.get(key), bytes.count > 4 {
            let rank = Int(bytes[2]) << 8 | Int(bytes[3])
            let header = 4 + 4 * rank + (bytes[1] == 1 ? 4 : 0)
            if bytes.count >= header + 8, !bytes[header...].starts(with: Array("LZ4Block".utf8)) {
                sink.add(Finding("producer.z5py.n5-lz4-bare", key, "lz4 block payload has no LZ4Block framing"))
            }
        }
    }

    static func dataRule(_ e: ZarrError) -> String {
        if e.kind == .storage { return "structure.unreadable" }
        if e.message.contains("it can hold here") { return "data.chunk.size" }
        if e.codec == "sharding_indexed" && e.message.contains("index") || e.message.hasPrefix("shard") { return "shard.index" }
        if e.message.contains("checksum") { return "data.checksum" }
        if e.codec == "n5" { return "n5.block.header" }
        if e.message.contains("exactly") || e.message.contains("than the expected") || e.message.contains("where") && e.message.contains("expected") {
            return "data.chunk.size"
        }
        return "data.chunk.decode"
    }
}

/// Collects findings from several threads, at most `cap` per rule (then a count of the rest).
final class FindingSink: @unchecked Sendable {
    private let lock = NSLock()
    private var findings: [Finding] = []
    private var counts: [String: Int] = [:]
    let cap: Int

    init(cap: Int) { self.cap = cap }

    func add(_ f: Finding) {
        lock.withLock {
            counts[f.rule, default: 0] += 1
            if counts[f.rule, default: 0] <= cap { findings.append(f) }
        }
    }

    func all() -> [Finding] {
        lock.withLock {
            var out = findings
            for (rule, n) in counts.sorted(by: { $0.key < $1.key }) where n > cap {
                out.append(Finding(rule, "", "\(n - cap) more findings of this rule"))
            }
            return out
        }
    }
}
