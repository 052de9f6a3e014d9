import Foundation
import ZarrCore

/// What a store holds, key by key: size and SHA-256 (`zarr-conformance manifest STORE`), so that
/// `validate --expect-chunks FILE` can tell after a copy which keys went missing, which changed
/// and which were added. Keys are listed as `validate` walks the store (regular files only, links
/// followed only inside the store).
///
/// ```json
/// {"manifest_version": 1, "tool": "zarr-conformance 0.1.0", "keys": {"0.0": {"size": 150, "sha256": "…"}}}
/// ```
/// Values over the largest size a reader takes are listed by size with an empty `sha256`.
public struct StoreManifest: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var size: Int
        public var sha256: String
    }
    public var entries: [String: Entry]

    /// Reads every value of the store at `root` (16 MiB at a time). What the walk does not list
    /// (links out of the store, FIFOs, sockets, devices) goes to `skipped` with the reason; a
    /// directory or file that cannot be read is an error, never a key silently left out.
    public static func make(root: String, maxDepth: Int = 64, skipped: (String, String) -> Void = { _, _ in }) throws -> StoreManifest {
        let sink = FindingSink(cap: Int.max)
        let walk = Walk(root: root, maxDepth: maxDepth, sink: sink)
        for f in sink.all() where f.rule != "structure.partial-write" && f.rule != "structure.key.invalid" {
            if f.rule == "structure.unreadable" { throw ZarrError(.storage, f.message, key: f.path) }
            skipped(f.path, f.message)
        }
        let store = FilesystemStore(root: root)
        var entries: [String: Entry] = [:]
        for key in walk.files { if let e = try entry(store, key) { entries[key] = e } }
        return StoreManifest(entries: entries)
    }

    /// Values larger than any value a reader takes (`StoreLimits.maxValueBytes`) are listed by
    /// size alone (`sha256` empty): a sparse file of terabytes is never read.
    static func entry(_ store: any ReadableStore, _ key: String) throws -> Entry? {
        guard let size = try store.size(key) else { return nil }
        if size > StoreLimits.maxValueBytes { return Entry(size: size, sha256: "") }
        var offset = 0
        let sha = try CanonicalDigest.sha256 { () -> [UInt8]? in
            guard offset < size else { return nil }
            let part = try store.get(key, range: .range(offset: offset, length: min(1 << 24, size - offset))) ?? []
            if part.isEmpty { return nil }
            offset += part.count
            return part
        }
        return Entry(size: size, sha256: sha)
    }

    public var json: JSON {
        let keys = entries.keys.sorted().map { k in (k, JSON.object(JSONObject([("size", .int(entries[k]!.size)), ("sha256", .string(entries[k]!.sha256))]))) }  // k from keys
        return .object(JSONObject([("manifest_version", 1), ("tool", .string("\(OurReader.name) \(OurReader.version)")), ("keys", .object(JSONObject(keys)))]))
    }

    /// A manifest file; anything else is a typed error naming the file and the member.
    public static func load(path: String) throws -> StoreManifest {
        guard let data = FileManager.default.contents(atPath: path) else { throw ZarrError(.notFound, "no such manifest", key: path) }
        func fail(_ why: String, _ field: String? = nil) -> ZarrError { ZarrError(.invalidArgument, "not a store manifest: \(why)", key: path, field: field) }
        let json: JSON
        do { json = try JSON.parse(Array(data)) } catch { throw fail("not JSON") }
        guard json["manifest_version"]?.intValue == 1 else { throw fail("manifest_version must be 1", "manifest_version") }
        guard let keys = json["keys"]?.objectValue else { throw fail("keys must be an object of key → {size, sha256}", "keys") }
        var entries: [String: Entry] = [:]
        for (k, v) in keys {
            guard let size = v["size"]?.intValue, size >= 0, let sha = v["sha256"]?.stringValue,
                  sha.count == 64 && sha.allSatisfy(\.isHexDigit) || sha.isEmpty && size > StoreLimits.maxValueBytes else {
                throw fail("entry '\(k)' needs a size and a 64-digit sha256", "keys")
            }
            entries[k] = Entry(size: size, sha256: sha.lowercased())
        }
        return StoreManifest(entries: entries)
    }
}
