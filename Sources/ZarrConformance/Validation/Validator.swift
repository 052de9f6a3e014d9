import Foundation
import ZarrCore

/// Checks a store written by any tool against the rules in `Rules.all`: metadata, structure and,
/// unless `metadataOnly`, every chunk. Store contents are untrusted: nothing here trusts a size,
/// a key or a link. Memory stays at a few chunks: chunks are decoded a core's worth at a time.
public struct Validator: Sendable {
    public var metadataOnly = false
    public var maxDepth = 64
    public var maxFindingsPerRule = 200
    /// The Zarr v3 core version whose rules apply (rules of the other version only are skipped).
    public var spec = SpecVersion.latest
    /// What a missing chunk means (see `ChunkExpectation`).
    public var expectChunks = ChunkExpectation.fillIsFine
    public var progress: @Sendable (String) -> Void = { _ in }
    /// The part of the store this run checks (`validate --partition I/N`); see `check`.
    public var partition = Partition.whole

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
    public func validate(root: String) throws -> Report { try ValidationPart.merge([part(root: root)]) }

    /// Checks a store of any kind; see `part(store:)`.
    public func validate(store: any ReadableStore) throws -> Report { try ValidationPart.merge([part(store: store)]) }

    /// This run's partition of a directory store, for `merge` with the others.
    public func part(root: String) throws -> ValidationPart {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ZarrError(.notFound, "no such directory", key: root)
        }
        guard FileManager.default.isReadableFile(atPath: root), (try? FileManager.default.contentsOfDirectory(atPath: root)) != nil else {
            throw ZarrError(.storage, "permission denied", key: root)
        }
        let sink = FindingSink(cap: maxFindingsPerRule, version: spec)
        let walk = Walk(root: root, maxDepth: maxDepth, sink: partition.index == 0 ? sink : sink.silenced())
        return check(FilesystemStore(root: root), walk: walk, sink: sink)
    }

    /// Checks a store of any kind (zip, HTTP, S3, GCS) by its listing; a store that cannot list
    /// (HTTP) by the nodes its consolidated metadata names and the chunk keys of their grids,
    /// with an info finding saying which structure rules that leaves unchecked.
    public func part(store: any ReadableStore) throws -> ValidationPart {
        let sink = FindingSink(cap: maxFindingsPerRule, version: spec)
        var probeGrid = false
        let walk: Walk
        do {
            guard let listable = store as? any ListableStore else { throw ZarrError(.unsupported, "no listing") }
            walk = Walk(keys: try listable.list(prefix: ""), sink: partition.index == 0 ? sink : sink.silenced())
        } catch let e as ZarrError where e.kind == .unsupported {
            walk = try Walk(unlisted: store, sink: sink)
            probeGrid = true
            (partition.index == 0 ? sink : sink.silenced()).add(Finding("structure.no-listing", ".", "the store cannot list its keys: nodes come from consolidated metadata and the root, chunks from the grid; "
                             + "stray keys, leftover temporaries and keys outside the grid were not looked for"))
        }
        progress("listed \(walk.files.count) keys")
        return check(store, walk: walk, sink: sink, probeGrid: probeGrid)
    }

    /// `probeGrid`: the walk lists no chunks; every key of each array's grid is tried instead.
    /// A partition reports the walk's findings in part 0, a node's metadata in part `i mod N`
    /// of the `i`-th node, and checks its share of each array's stored chunk keys (of the grid,
    /// when probing): never part of a key, so no two parts read one shard.
    func check(_ store: any ReadableStore, walk: Walk, sink: FindingSink, probeGrid: Bool = false) -> ValidationPart {
        var part = ValidationPart(partition: partition, spec: spec, cap: maxFindingsPerRule, expectAll: { if case .all = expectChunks { return true }; return false }())
        let first = partition.index == 0 ? sink : sink.silenced()
        let nodeDirectories = walk.nodeDirectories()
        if nodeDirectories.isEmpty {
            first.add(Finding("structure.no-metadata", ".", "no Zarr or N5 metadata found (.zarray, .zgroup, zarr.json or attributes.json)"))
        }
        for (n, directory) in nodeDirectories.enumerated() {
            let owner = n % partition.count == partition.index
            if owner { part.nodes += 1 }
            let nodeSink = owner ? sink : sink.silenced()
            let checked = NodeCheck(store: store, directory: directory, walk: walk, sink: nodeSink)
            guard let array = checked.run() else { continue }
            let alternate = checked.alternateV2Array()
            let share: [(String, [Int])]
            if probeGrid {
                share = checkGrid(array, sink: sink, owner: nodeSink)
                reportMissing(array, present: Set(share.map(\.1)), flat: gridShare(array), sink: sink)
            } else {
                let keys = checked.chunkKeys(array, nodeDirectories: nodeDirectories, alternate: alternate)
                let range = partition.range(of: keys.count)
                share = Array(keys[range])
                if !metadataOnly { checkChunks(array, keys: share, first: range.first == 0 ? keys.first?.0 : nil, sink: sink) }
                if owner { reportMissing(array, present: Set(keys.map(\.1)), flat: 0..<(array.gridCount ?? 0), sink: sink) }
            }
            part.chunks += share.count
            if let grid = array.gridCount { part.tallies.append(.init(key: array.metadataKey, format: array.metadata.format, grid: grid, stored: share.count)) }
            // Both formats in one directory: the v2 metadata's readers decode its chunks too.
            if let alternate, !metadataOnly, !probeGrid {
                let keys = checked.chunkKeys(alternate, nodeDirectories: nodeDirectories, alternate: array, report: false)
                let range = partition.range(of: keys.count)
                checkChunks(alternate, keys: Array(keys[range]), first: range.first == 0 ? keys.first?.0 : nil, sink: sink)
            }
        }
        checkN5Version(store: store, walk: walk, nodeDirectories: nodeDirectories, sink: first)
        if case .manifest(let manifest) = expectChunks, partition.index == 0 { compare(manifest, files: walk.files, store: store, sink: sink) }
        (part.findings, part.counts) = sink.collected()
        return part
    }

    /// The grid's keys that are stored, for a store that cannot list: every key is fetched, a
    /// batch at a time (concurrently where the store can) and, unless `metadataOnly`, decoded
    /// then and there; at most one pass's worth of chunks.
    func checkGrid(_ array: ZarrArray, sink: FindingSink, owner: FindingSink) -> [(String, [Int])] {
        let grid = array.gridShape
        let share = gridShare(array)
        guard array.gridCount != nil, share.count <= ZarrArray.maxChunksPerPass else {
            owner.add(Finding("structure.no-listing", array.metadataKey, "the grid has more chunks than one pass visits; its chunks were not checked"))
            return []
        }
        func indices(_ flat: Int) -> [Int] {
            var rest = flat, out = [Int](repeating: 0, count: grid.count)
            for d in grid.indices.reversed() { out[d] = rest % grid[d]; rest /= grid[d] }
            return out
        }
        var stored: [(String, [Int])] = []
        for start in stride(from: share.lowerBound, to: share.upperBound, by: 256) {
            let batch = (start..<min(start + 256, share.upperBound)).map(indices)
            let requests = batch.map { StoreRequest(array.chunkKey($0), range: .all, limit: array.maxStoredSize($0)) }
            let values: [[UInt8]?]
            do {
                if let many = array.store as? any PrefetchingStore { values = try many.fetch(requests) }
                else { values = try requests.map { try array.store.get($0.key, range: $0.range, limit: $0.limit) } }
            } catch let e as ZarrError {
                sink.add(Finding(Diagnosis.rule(e, .chunk), e.key ?? array.metadataKey, e.description, format: array.metadata.format))
                continue
            } catch { continue }
            for (i, value) in values.enumerated() {
                guard let value else { continue }
                stored.append((requests[i].key, batch[i]))
                guard !metadataOnly else { continue }
                do { _ = try array.decodeChunk(value, batch[i]) } catch let e as ZarrError {
                    sink.add(Finding(Diagnosis.rule(e, .chunk), requests[i].key, e.description, format: array.metadata.format))
                } catch { sink.add(Finding("data.chunk.decode", requests[i].key, "\(error)", format: array.metadata.format)) }
            }
            progress("fetched \(min(start + 256, share.upperBound) - share.lowerBound) of \(share.count) chunk keys of \(array.path.isEmpty ? "/" : array.path)")
        }
        return stored
    }

    /// N5-03: the root `attributes.json` of an N5 container holds `"n5": "<version>"`. Readers
    /// go on as N5-Java does (a missing version is 0.0.0), so this is a warning.
    func checkN5Version(store: any ReadableStore, walk: Walk, nodeDirectories: [String], sink: FindingSink) {
        let zarrMarkers = [MetadataKey.zarray, MetadataKey.zgroup, MetadataKey.zarrJSON]
        let isN5 = nodeDirectories.contains { d in walk.has(d, MetadataKey.n5Attributes) && !zarrMarkers.contains { walk.has(d, $0) } }
        guard isN5, !zarrMarkers.contains(where: { walk.has("", $0) }) else { return }
        guard walk.has("", MetadataKey.n5Attributes) else {
            sink.add(Finding("n5.version.missing", MetadataKey.n5Attributes, "the container has no root attributes.json, so no \"n5\" version (N5-03): "
                             + "N5-Java, tensorstore, zarr-python 2 and this implementation read it as 0.0.0; z5py refuses it. Write {\"n5\": \"4.0.0\"}"))
            return
        }
        guard let root = try? store.getJSON(MetadataKey.n5Attributes), root.objectValue != nil else { return }  // n5.attributes.invalid says why
        if root["n5"]?.stringValue == nil {
            let what = root["n5"] == nil ? "has no \"n5\" version" : "has an \"n5\" version that is not a string"
            sink.add(Finding("n5.version.missing", MetadataKey.n5Attributes, "the root attributes.json \(what) (N5-03): "
                             + "N5-Java, tensorstore, zarr-python 2 and this implementation read it as 0.0.0; z5py refuses the container. Add \"n5\": \"4.0.0\""))
        }
    }

    /// Decodes every chunk, a core's worth at a time; `first` is the array's first stored key
    /// when this share holds it (one part looks at how an N5 lz4 block is framed).
    func checkChunks(_ array: ZarrArray, keys: [(String, [Int])], first: String?, sink: FindingSink) {
        let batch = 256
        var start = 0
        while start < keys.count {
            let slice = Array(keys[start..<min(start + batch, keys.count)])
            try? Parallel.forEach(slice.count) { i in
                let (key, indices) = slice[i]
                do { _ = try array.readChunk(indices) } catch let e as ZarrError {
                    sink.add(Finding(Diagnosis.rule(e, .chunk), key, e.description, format: array.metadata.format))
                } catch {
                    sink.add(Finding("data.chunk.decode", key, "\(error)", format: array.metadata.format))
                }
            }
            start += batch
            progress("checked \(min(start, keys.count)) of \(keys.count) chunks of \(array.path.isEmpty ? "/" : array.path)")
        }
        if case .n5(let m, _) = array.metadata, m.compression["type"]?.stringValue == "lz4", let key = first,
           let bytes = try? array.store.get(key), bytes.count > 4 {
            let rank = Int(bytes[2]) << 8 | Int(bytes[3])
            let header = 4 + 4 * rank + (bytes[1] == 1 ? 4 : 0)
            if bytes.count >= header + 8, !bytes[header...].starts(with: Array("LZ4Block".utf8)) {
                sink.add(Finding("producer.z5py.n5-lz4-bare", key, "lz4 block payload has no LZ4Block framing"))
            }
        }
    }

}
