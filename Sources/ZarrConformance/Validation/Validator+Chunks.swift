import ZarrCore

/// Were chunks lost in a transfer, or never written because they held only the fill value?
/// Per array, stored chunks against the grid (info); `--expect-chunks all` makes each missing
/// chunk an error, `--expect-chunks FILE` compares the store with a manifest of it
/// (`StoreManifest`): keys missing, added or changed since.
public enum ChunkExpectation: Sendable {
    /// A missing chunk reads as the fill value: reported, not a problem.
    case fillIsFine
    /// Every chunk of the grid must be stored.
    case all
    /// The store must hold exactly these keys, with these sizes and hashes.
    case manifest(StoreManifest)
}

extension Validator {
    /// Grids with more chunks than this get a count of the missing ones, not a list.
    static let maxListedGrid = 1 << 22

    func reportStoredChunks(_ array: ZarrArray, stored keys: [(String, [Int])], sink: FindingSink) {
        let format = array.metadata.format
        let at = array.metadataKey
        let (grid, overflow) = array.gridShape.reduce((1, false)) { acc, n in
            let (p, o) = acc.0.multipliedReportingOverflow(by: n)
            return (p, acc.1 || o)
        }
        guard !overflow else { return }
        let missing = grid - keys.count
        sink.add(Finding("data.chunks.stored", at, "\(keys.count) of \(grid) chunks stored"
                         + (missing > 0 ? "; \(missing) missing, read as the fill value (never written, or lost)" : ""), format: format))
        guard case .all = expectChunks, missing > 0 else { return }
        guard grid <= Self.maxListedGrid else {
            sink.add(Finding("data.chunks.missing", at, "\(missing) of \(grid) chunks are not stored", format: format))
            return
        }
        let present = Set(keys.map(\.1))
        var index = [Int](repeating: 0, count: array.gridShape.count)
        for _ in 0..<grid {
            if !present.contains(index) { sink.add(Finding("data.chunks.missing", array.chunkKey(index), "chunk \(index) is not stored", format: format)) }
            var axis = index.count - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < array.gridShape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
    }

    /// The store against the manifest it should match, key by key.
    func compare(_ manifest: StoreManifest, files: [String], store: any ReadableStore, sink: FindingSink) {
        let stored = Set(files)
        for key in manifest.entries.keys.sorted() where !stored.contains(key) {
            sink.add(Finding("data.chunks.missing", key, "listed in the manifest, not in the store"))
        }
        for key in files {
            guard let expected = manifest.entries[key] else {
                sink.add(Finding("data.chunks.extra", key, "in the store, not in the manifest"))
                continue
            }
            do {
                guard let actual = try StoreManifest.entry(store, key) else { continue }
                if actual.size != expected.size { sink.add(Finding("data.chunks.changed", key, "\(actual.size) bytes, the manifest says \(expected.size)")) }
                else if actual.sha256 != expected.sha256 { sink.add(Finding("data.chunks.changed", key, "same size, other bytes (SHA-256 \(actual.sha256.prefix(12))…, the manifest says \(expected.sha256.prefix(12))…)")) }
            } catch let e as ZarrError {
                sink.add(Finding("structure.unreadable", key, e.description))
            } catch {
                sink.add(Finding("structure.unreadable", key, "\(error)"))
            }
        }
    }
}
