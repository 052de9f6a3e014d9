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

    /// Stored chunks against the grid, once per array from every part's tally (info); with
    /// `--expect-chunks all` on a grid too large to list, the count of missing chunks.
    static func storedFindings(_ tally: ValidationPart.ChunkTally, expectAll: Bool) -> [Finding] {
        let missing = tally.grid - tally.stored
        var out = [Finding("data.chunks.stored", tally.key, "\(tally.stored) of \(tally.grid) chunks stored"
                           + (missing > 0 ? "; \(missing) missing, read as the fill value (never written, or lost)" : ""), format: tally.format)]
        if expectAll, missing > 0, tally.grid > maxListedGrid {
            out.append(Finding("data.chunks.missing", tally.key, "\(missing) of \(tally.grid) chunks are not stored", format: tally.format))
        }
        return out
    }

    /// With `--expect-chunks all`, each chunk of the flat grid range `flat` not in `present`.
    func reportMissing(_ array: ZarrArray, present: Set<[Int]>, flat: Range<Int>, sink: FindingSink) {
        guard case .all = expectChunks, let grid = array.gridCount, grid <= Self.maxListedGrid, present.count < flat.count else { return }
        let shape = array.gridShape
        for i in flat {
            var rest = i, index = [Int](repeating: 0, count: shape.count)
            for d in shape.indices.reversed() { index[d] = rest % shape[d]; rest /= shape[d] }
            if !present.contains(index) { sink.add(Finding("data.chunks.missing", array.chunkKey(index), "chunk \(index) is not stored", format: array.metadata.format)) }
        }
    }

    /// This partition's share of an array's chunk grid, in C order of chunk indices.
    func gridShare(_ array: ZarrArray) -> Range<Int> { partition.range(of: array.gridCount ?? 0) }

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

extension ZarrArray {
    /// Chunks in the grid; nil when the count overflows.
    var gridCount: Int? {
        let (count, overflow) = gridShape.reduce((1, false)) { acc, n in let (p, o) = acc.0.multipliedReportingOverflow(by: n); return (p, acc.1 || o) }
        return overflow ? nil : count
    }
}
