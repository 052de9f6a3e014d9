import Foundation
import ZarrCore
#if canImport(Glibc)
import Glibc
#endif

/// The store's files, found without trusting it: a depth limit, every name checked, nothing
/// opened but directories. A link is followed only when it resolves inside the store (once
/// per directory, by device and inode); a link out of the store, a FIFO, socket or device, and
/// a directory that cannot be read are findings, and are never read or walked.
struct Walk {
    let root: String
    /// File keys relative to the root, `/`-separated, sorted: only regular files (or links to
    /// regular files inside the store).
    private(set) var files: [String] = []
    /// Files per directory ("" for the root).
    private(set) var byDirectory: [String: Set<String>] = [:]

    static let markers: Set<String> = [MetadataKey.zarray, MetadataKey.zgroup, MetadataKey.zattrs, MetadataKey.zmetadata, MetadataKey.zarrJSON, MetadataKey.n5Attributes]

    /// A store's keys from its listing (zip, S3, GCS): the names are checked as a directory's are.
    init(keys: [String], sink: FindingSink) {
        root = ""
        for key in keys.sorted() {
            let name = String(key.split(separator: "/").last ?? "")
            if name.contains("\\") || name.unicodeScalars.contains(where: { $0.value < 0x20 }) {
                sink.add(Finding("structure.key.invalid", key, "the name has a backslash or a control character"))
            }
            if Self.isPartialWrite(name) { sink.add(Finding("structure.partial-write", key, "a leftover temporary file")) }
            add(key)
        }
    }

    /// A store that cannot list (HTTP): the metadata documents at its root and those its
    /// consolidated metadata names (v2 `.zmetadata`, v3 inline); no chunk keys.
    init(unlisted store: any ReadableStore, sink: FindingSink) throws {
        root = ""
        for name in Self.markers where try store.size(name) != nil { add(name) }
        if has("", MetadataKey.zmetadata), let documents = try? ConsolidatedV2.read(store: store) {
            for key in documents.keys { add(key) }
        }
        if has("", MetadataKey.zarrJSON), let json = try? store.getJSON(MetadataKey.zarrJSON), let group = try? GroupMetadataV3.parse(json) {
            for path in (group.consolidated ?? [:]).keys { add(path + "/" + MetadataKey.zarrJSON) }
        }
        files.sort()
    }

    private mutating func add(_ key: String) {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        guard let name = parts.last, !name.isEmpty else { return }
        files.append(key)
        byDirectory[parts.dropLast().joined(separator: "/"), default: []].insert(String(name))
    }

    init(root: String, maxDepth: Int, sink: FindingSink) {
        self.root = root
        let rootReal = Self.realPath(root) ?? root
        var visited = Set<[UInt64]>()
        if let id = Self.identity(root) { visited.insert(id) }
        var stack: [(String, Int)] = [("", 0)]
        while let (directory, depth) = stack.popLast() {
            let full = directory.isEmpty ? root : root + "/" + directory
            guard let entries = Self.entries(full) else {
                sink.add(Finding("structure.unreadable", directory.isEmpty ? "." : directory, "cannot list the directory: \(String(cString: strerror(errno)))"))
                continue
            }
            for (name, type) in entries {
                let key = directory.isEmpty ? name : directory + "/" + name
                if name.contains("\\") || name.unicodeScalars.contains(where: { $0.value < 0x20 }) {
                    sink.add(Finding("structure.key.invalid", key, "the name has a backslash or a control character"))
                }
                if Self.isPartialWrite(name) { sink.add(Finding("structure.partial-write", key, "a leftover temporary file")) }
                let path = full + "/" + name
                var info = stat()
                // The listing's own type spares a stat per file; links and unknown types are looked at.
                if type == UInt8(DT_REG) { info.st_mode = S_IFREG } else if type == UInt8(DT_DIR) { info.st_mode = S_IFDIR; guard lstat(path, &info) == 0 else { continue } }
                else { guard lstat(path, &info) == 0 else { continue } }
                if (info.st_mode & S_IFMT) == S_IFLNK {
                    guard let target = Self.realPath(path) else {
                        if errno == ENOENT || errno == ENOTDIR { continue }  // a dangling link: an absent key
                        sink.add(Finding("structure.unreadable", key, "a symbolic link that cannot be resolved: \(String(cString: strerror(errno)))"))
                        continue
                    }
                    guard target == rootReal || target.hasPrefix(rootReal == "/" ? "/" : rootReal + "/") else {
                        sink.add(Finding("structure.link-outside", key, "a symbolic link to \(target), outside the store: not followed"))
                        continue
                    }
                    guard stat(path, &info) == 0 else { continue }
                }
                switch info.st_mode & S_IFMT {
                case S_IFDIR:
                    guard visited.insert([UInt64(info.st_dev), UInt64(info.st_ino)]).inserted else {
                        sink.add(Finding("structure.symlink-loop", key, "links to a directory already walked"))
                        continue
                    }
                    guard depth + 1 < maxDepth else {
                        sink.add(Finding("structure.depth", key, "nested more than \(maxDepth) levels deep; not walked further"))
                        continue
                    }
                    stack.append((key, depth + 1))
                case S_IFREG:
                    files.append(key)
                    byDirectory[directory, default: []].insert(name)
                default:
                    sink.add(Finding("structure.special-file", key, "not a regular file (a FIFO, socket or device): not read"))
                }
            }
        }
        files.sort()
    }

    /// A directory's entries with the type the file system reports (DT_UNKNOWN when it does
    /// not), sorted by name, without "." and "..".
    static func entries(_ path: String) -> [(name: String, type: UInt8)]? {
        guard let stream = opendir(path) else { return nil }
        defer { closedir(stream) }
        var out: [(name: String, type: UInt8)] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != ".", name != ".." { out.append((name, entry.pointee.d_type)) }
        }
        return out.sorted { $0.name < $1.name }
    }

    static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }

    static func identity(_ path: String) -> [UInt64]? {
        var info = stat()
        return stat(path, &info) == 0 ? [UInt64(info.st_dev), UInt64(info.st_ino)] : nil
    }

    /// Temporaries of interrupted writes: this tool's and zarr-python 2's `.NAME.*.partial`,
    /// zarr-python 3's `STEM.<32 hex>.partial` (its LocalStore swaps the key's suffix for one),
    /// `*.tmp`, NFS silly-renames and editor backups.
    static func isPartialWrite(_ name: String) -> Bool {
        if name.hasPrefix(".") && name.hasSuffix(".partial") { return true }
        if name.hasSuffix(".partial") {
            let parts = name.split(separator: ".")
            if parts.count >= 2, parts[parts.count - 2].count == 32, parts[parts.count - 2].allSatisfy(\.isHexDigit) { return true }
        }
        return name.hasSuffix(".tmp") || name.hasPrefix(".nfs") || name.hasSuffix("~")
    }

    /// Directories that hold node metadata, shallowest first.
    func nodeDirectories() -> [String] {
        byDirectory.filter { !$0.value.isDisjoint(with: Self.markers) }.keys
            .sorted { ($0.split(separator: "/").count, $0) < ($1.split(separator: "/").count, $1) }
    }

    /// The files whose keys start with `prefix` ("" or ending in "/"): a range of the sorted
    /// list, found by bisection rather than by a pass over every file for every node.
    func files(under prefix: String) -> ArraySlice<String> {
        guard !prefix.isEmpty else { return files[...] }
        var low = 0, high = files.count
        while low < high {
            let mid = (low + high) / 2
            if files[mid] < prefix { low = mid + 1 } else { high = mid }
        }
        var end = low
        while end < files.count, files[end].hasPrefix(prefix) { end += 1 }
        return files[low..<end]
    }

    func has(_ directory: String, _ name: String) -> Bool { byDirectory[directory]?.contains(name) ?? false }
}
