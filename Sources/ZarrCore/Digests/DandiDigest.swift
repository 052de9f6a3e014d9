import Crypto
import Foundation

/// The DANDI archive's Zarr checksum (the `zarr_checksum` package), over the stored files: each
/// file's MD5; each directory, deepest first, as the MD5 of the compact JSON
/// `{"directories":[…],"files":[…]}` of its entries (`{"digest","name","size"}`, sorted by
/// name, escaped as Python's `json.dumps` escapes), written `{md5}-{files}--{bytes}`.
///
/// A part hashes the files of one contiguous range of the sorted listing and folds every
/// directory whose keys all lie in that range, so parts stay small and merge exactly.
public enum DandiDigest {
    /// A file (its MD5, one file) or a folded directory (its digest string and totals), by its
    /// path from the store's root.
    public struct Entry: Sendable, Equatable {
        public var path: String
        public var digest: String
        public var size: Int
        /// Files under it: 1 for a file.
        public var count: Int
        public var isDirectory: Bool

        public init(path: String, digest: String, size: Int, count: Int, isDirectory: Bool) {
            (self.path, self.digest, self.size, self.count, self.isDirectory) = (path, digest, size, count, isDirectory)
        }
    }

    public struct Result: Sendable, Equatable {
        public var digest: String
        public var files: Int
        public var bytes: Int
    }

    /// Keys in the order parts split them: by UTF-8 bytes (the order of code points).
    public static func sorted(_ keys: [String]) -> [String] { keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) } }

    /// Hashes the files of `partition`'s share of `keys` (sorted with `sorted`), a batch at a
    /// time, and folds the directories wholly inside the share.
    public static func part(_ store: any ReadableStore, keys: [String], partition: Partition) throws -> [Entry] {
        let share = partition.range(of: keys.count)
        var files: [Entry] = []
        for start in stride(from: share.lowerBound, to: share.upperBound, by: 64) {
            let batch = Array(keys[start..<min(start + 64, share.upperBound)])
            let values: [[UInt8]?]
            if let many = store as? any PrefetchingStore { values = try many.fetch(batch.map { StoreRequest($0) }) }
            else { values = try Parallel.map(batch.count) { try store.get(batch[$0], range: .all, limit: StoreLimits.maxValueBytes) } }
            files += try Parallel.map(batch.count) { i in
                guard let bytes = values[i] else { throw ZarrError(.notFound, "listed but not readable", key: batch[i]) }
                return Entry(path: batch[i], digest: CanonicalDigest.hex(Insecure.MD5.hash(data: bytes)), size: bytes.count, count: 1, isDirectory: false)
            }
        }
        // A directory is folded when its keys (contiguous in sorted order) all lie in the share.
        var span: [String: ClosedRange<Int>] = [:]
        for (i, key) in keys.enumerated() {
            for directory in ancestors(key) { span[directory] = (span[directory]?.lowerBound ?? i)...i }
        }
        var out: [Entry] = [], folded: [String: [Entry]] = [:], order: [String] = []
        for file in files {
            guard let top = ancestors(file.path).first(where: { span[$0].map { share.contains($0.lowerBound) && share.contains($0.upperBound) } ?? false }) else {
                out.append(file)
                continue
            }
            if folded[top] == nil { order.append(top) }
            folded[top, default: []].append(Entry(path: String(file.path.dropFirst(top.count + 1)), digest: file.digest, size: file.size, count: 1, isDirectory: false))
        }
        for directory in order {
            let result = digest(folded[directory] ?? [])
            out.append(Entry(path: directory, digest: result.digest, size: result.bytes, count: result.files, isDirectory: true))
        }
        return out
    }

    /// The digest of a tree given by its files and folded directories.
    public static func digest(_ entries: [Entry]) -> Result {
        var manifests: [String: (files: [Entry], directories: [Entry])] = ["": ([], [])]
        for entry in entries {
            let (parent, name) = split(entry.path)
            var leaf = entry
            leaf.path = name
            if entry.isDirectory { manifests[parent, default: ([], [])].directories.append(leaf) } else { manifests[parent, default: ([], [])].files.append(leaf) }
            for directory in ancestors(parent) + (parent.isEmpty ? [] : [parent]) where manifests[directory] == nil { manifests[directory] = ([], []) }
        }
        // Deepest first: each directory's digest is an entry of its parent.
        for directory in manifests.keys.sorted(by: { depth($0) > depth($1) }) where !directory.isEmpty {
            guard let manifest = manifests.removeValue(forKey: directory) else { continue }
            let result = digest(manifest)
            let (parent, name) = split(directory)
            manifests[parent, default: ([], [])].directories.append(Entry(path: name, digest: result.digest, size: result.bytes, count: result.files, isDirectory: true))
        }
        return digest(manifests[""] ?? ([], []))
    }

    static func digest(_ manifest: (files: [Entry], directories: [Entry])) -> Result {
        func list(_ entries: [Entry]) -> String {
            entries.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
                .map { "{\"digest\":\(pythonJSON($0.digest)),\"name\":\(pythonJSON($0.path)),\"size\":\($0.size)}" }.joined(separator: ",")
        }
        let json = "{\"directories\":[\(list(manifest.directories))],\"files\":[\(list(manifest.files))]}"
        let count = manifest.files.count + manifest.directories.reduce(0) { $0 + $1.count }
        let size = (manifest.files + manifest.directories).reduce(0) { $0 + $1.size }
        return Result(digest: "\(CanonicalDigest.hex(Insecure.MD5.hash(data: Array(json.utf8))))-\(count)--\(size)", files: count, bytes: size)
    }

    /// A string as Python's `json.dumps` writes it (ASCII only: `\uXXXX`, surrogate pairs).
    static func pythonJSON(_ s: String) -> String {
        var out = ""
        JSON.writeString(s, into: &out, python: true, asciiOnly: true)
        return out
    }

    /// The directories above a key, shallowest first ("a/b/c" → "a", "a/b").
    static func ancestors(_ path: String) -> [String] {
        var out: [String] = [], at = path.startIndex
        while let slash = path[at...].firstIndex(of: "/") {
            out.append(String(path[..<slash]))
            at = path.index(after: slash)
        }
        return out
    }

    static func split(_ path: String) -> (parent: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return ("", path) }
        return (String(path[..<slash]), String(path[path.index(after: slash)...]))
    }

    static func depth(_ path: String) -> Int { path.isEmpty ? 0 : path.reduce(1) { $0 + ($1 == "/" ? 1 : 0) } }
}
