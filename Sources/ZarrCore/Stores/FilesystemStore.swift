import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A directory as a store (V3-107): keys map to files below `root`, `/` to the path separator.
///
/// Store contents are untrusted (see `FilesystemStore+Resolve.swift`): a key never reaches a
/// file outside the root, whatever links the store holds; only regular files are read (a FIFO
/// cannot hang a read); a value's size is checked before anything is allocated.
///
/// Writes go to a temporary file in the same directory (`.NAME.UUID.partial`, a name listings
/// skip) that is renamed into place, so a reader never sees half a value; with `durable` the
/// file and its directory are fsynced, so a completed write survives power loss.
public final class FilesystemStore: Store {
    public let root: String
    /// fsync each written file and its directory (on by default).
    public let durable: Bool

    /// The root's descriptor once opened (-1 before); see `rootDescriptor`.
    let rootFD = Mutex<Int32>(-1)

    deinit { rootFD.withLock { if $0 >= 0 { close($0) } } }

    public init(root: String, durable: Bool = true) {
        self.root = root.hasSuffix("/") && root.count > 1 ? String(root.dropLast()) : root
        self.durable = durable
    }

    /// Flushes what was written to disk (one `sync`): what a bulk writer with `durable` off
    /// calls once at the end instead of two fsyncs per value.
    public func synchronize() { sync() }

    func path(_ key: String) throws -> [Substring] {
        try StoreKey.validate(key)
        return key.split(separator: "/")
    }

    public func get(_ key: String, range: ByteRange) throws -> [UInt8]? {
        try get(key, range: range, limit: StoreLimits.maxValueBytes)
    }

    public func get(_ key: String, range: ByteRange, limit: Int) throws -> [UInt8]? {
        guard let (fd, size) = try openValue(key) else { return nil }
        defer { close(fd) }
        let r = try range.resolve(count: size, key: key)
        try StoreLimits.check(r.count, limit: limit, key: key)
        // Filled by pread before it is handed out: no zero fill first.
        return try [UInt8](unsafeUninitializedCapacity: r.count) { buffer, initialized in
            var done = 0
            while done < r.count {
                // done < r.count == buffer.count, so the base address exists and the slice is in bounds.
                let n = pread(fd, buffer.baseAddress! + done, r.count - done, off_t(r.lowerBound + done))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw ZarrError(.storage, "read failed: \(Self.errorText())", key: key)
                }
                if n == 0 { throw ZarrError(.storage, "file shrank while being read", key: key) }
                done += n
            }
            initialized = r.count
        }
    }

    public func size(_ key: String) throws -> Int? {
        guard let (fd, size) = try openValue(key) else { return nil }
        close(fd)
        return size
    }

    public func set(_ key: String, _ value: [UInt8]) throws {
        guard let (dir, name, owned) = try openParent(try path(key), key: key, create: true) else {
            throw ZarrError(.storage, "cannot create the directories of the key", key: key)
        }
        defer { if owned { close(dir) } }
        let tmp = ".\(name).\(UUID().uuidString).partial"
        let fd = openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ZarrError(.storage, "cannot create a temporary file: \(Self.errorText())", key: key) }
        func fail(_ what: String) -> ZarrError {
            let why = Self.errorText()
            close(fd)
            unlinkat(dir, tmp, 0)
            return ZarrError(.storage, "\(what): \(why)", key: key)
        }
        var done = 0
        while done < value.count {
            let n = value.withUnsafeBytes { buffer in
                // done < value.count == buffer.count: the base address exists.
                write(fd, buffer.baseAddress! + done, value.count - done)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw fail("write failed")
            }
            done += n
        }
        if durable, fsync(fd) != 0 { throw fail("fsync failed") }
        close(fd)
        // renameat replaces a link at `name` itself, never the file it points to.
        guard renameat(dir, tmp, dir, name) == 0 else {
            let why = Self.errorText()
            unlinkat(dir, tmp, 0)
            throw ZarrError(.storage, "cannot move the temporary file into place: \(why)", key: key)
        }
        if durable, fsync(dir) != 0 { throw ZarrError(.storage, "fsync of the directory failed: \(Self.errorText())", key: key) }
    }

    public func erase(_ key: String) throws {
        guard let (dir, name, owned) = try openParent(try path(key), key: key, create: false) else { return }
        defer { if owned { close(dir) } }
        // unlinkat removes a link itself, never its target.
        if unlinkat(dir, name, 0) != 0, errno != ENOENT { throw ZarrError(.storage, "cannot delete: \(Self.errorText())", key: key) }
    }

    public func list(prefix: String) throws -> [String] {
        var out: [String] = []
        var stack = [prefix]
        var visited = Set<[UInt64]>()
        while let dirPrefix = stack.popLast() {
            guard let listing = try entries(dirPrefix) else { continue }
            // A directory is walked once, by its device and inode (symlink loops end here).
            guard visited.insert(listing.identity).inserted else { continue }
            out += listing.keys.map { dirPrefix + $0 }
            stack += listing.prefixes.map { dirPrefix + $0 + "/" }
        }
        return out.sorted()
    }

    public func listDir(_ prefix: String) throws -> (keys: [String], prefixes: [String]) {
        guard let listing = try entries(prefix) else { return ([], []) }
        return (listing.keys, listing.prefixes)
    }

    /// The names in the directory at `prefix` ("" or ending in "/"), split into values and
    /// child prefixes; nil when it does not exist. In-flight temporaries are skipped; links are
    /// listed by what they resolve to inside the store, and skipped when they lead outside it.
    func entries(_ prefix: String) throws -> (keys: [String], prefixes: [String], identity: [UInt64])? {
        let key = prefix.isEmpty ? "" : String(prefix.dropLast())
        let fd: Int32
        if key.isEmpty {
            // Its own open of the root (a dup would share the kept descriptor's position).
            guard let root = try rootDescriptor(create: false, key: prefix) else { return nil }
            fd = openat(root, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if fd < 0 { throw ZarrError(.storage, "cannot list the store directory: \(Self.errorText())", key: prefix) }
        } else {
            // The parent of a placeholder segment inside the directory is the directory itself.
            guard let (dir, _, owned) = try openParent(try path(key) + ["-"], key: prefix, create: false) else { return nil }
            fd = owned ? dir : openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        }
        var info = stat()
        fstat(fd, &info)
        let identity = [UInt64(info.st_dev), UInt64(info.st_ino)]
        guard let stream = fdopendir(fd) else {
            let why = Self.errorText()
            close(fd)
            throw ZarrError(.storage, "cannot list: \(why)", key: prefix)
        }
        defer { closedir(stream) }
        var keys: [String] = [], prefixes: [String] = []
        errno = 0
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name == "." || name == ".." || Self.isTemporary(name) { continue }
            var st = stat()
            guard fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 else { continue }
            var kind = st.st_mode & S_IFMT
            if kind == S_IFLNK {
                guard let resolved = try? resolvedKind(prefix + name) else { continue }  // outside the store, or dangling
                kind = resolved
            }
            if kind == S_IFDIR { prefixes.append(name) } else { keys.append(name) }
        }
        return (keys.sorted(), prefixes.sorted(), identity)
    }

    /// What a link inside the store resolves to (file type bits); throws when it leads outside.
    func resolvedKind(_ key: String) throws -> mode_t? {
        var hops = 0
        let segments = try path(key).map(String.init)
        guard let target = try resolveLink(segments, upTo: segments.count - 1, key: key, hops: &hops) else { return nil }
        var st = stat()
        guard let rootReal = rootRealPath, stat(([rootReal] + target).joined(separator: "/"), &st) == 0 else { return nil }
        return st.st_mode & S_IFMT
    }

    /// Names of the temporaries this store writes (and readers skip).
    public static func isTemporary(_ name: String) -> Bool { name.hasPrefix(".") && name.hasSuffix(".partial") }
}
