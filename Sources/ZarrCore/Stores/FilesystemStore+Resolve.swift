import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Path resolution that never leaves the store. Every key is opened one segment at a time from
/// a descriptor of the root with `O_NOFOLLOW`, so a link is never followed by the kernel. When a
/// segment is a symbolic link, its target is resolved with `realpath` and accepted only when it
/// lies inside the root; the walk then restarts on the resolved segments, again with
/// `O_NOFOLLOW`, so a directory swapped for a link between the check and the open is caught by
/// the next open and checked again (no time-of-check/time-of-use escape).
extension FilesystemStore {
    /// How many links one key may pass through (the kernel's own limit is 40).
    static let maxLinkHops = 40

    /// The root's real path, resolved once (the root itself may be a link: the user chose it).
    var rootRealPath: String? {
        guard let p = realpath(root, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }

    /// The root's descriptor, opened once (and the root created, for a write) and kept: every
    /// key is opened from it, so the root's own path is not looked up again for each key. Nil
    /// when the root does not exist and `create` is false.
    func rootDescriptor(create: Bool, key: String) throws -> Int32? {
        try rootFD.withLock { cached in
            // A root deleted since (no links left) is opened again: it may have been recreated.
            if cached >= 0 {
                var info = stat()
                if fstat(cached, &info) == 0, info.st_nlink > 0 { return cached }
                close(cached)
                cached = -1
            }
            var fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if fd < 0, errno == ENOENT, create {
                do { try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true) } catch {
                    throw ZarrError(.storage, "cannot create the store directory: \(error.localizedDescription)", key: key)
                }
                fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            }
            if fd < 0 {
                if errno == ENOENT || errno == ENOTDIR { return nil }
                throw ZarrError(.storage, "cannot open the store directory: \(Self.errorText())", key: key)
            }
            cached = fd
            return fd
        }
    }

    static func errorText(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }

    /// An open descriptor of the directory holding the last segment of `segments`, and that
    /// segment's name, or nil when a directory on the way is missing (and `create` is false).
    /// `owned`: the caller closes `fd`; false when it is the root's kept descriptor.
    func openParent(_ segments: [Substring], key: String, create: Bool) throws -> (fd: Int32, name: String, owned: Bool)? {
        var segments = segments.map(String.init)
        var hops = 0
        restart: while true {
            guard var fd = try rootDescriptor(create: create, key: key) else { return nil }
            var owned = false  // the root's descriptor is kept open for the next key
            for (i, segment) in segments.dropLast().enumerated() {
                var next = openat(fd, segment, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                if next < 0 && errno == ENOENT && create {
                    if mkdirat(fd, segment, 0o755) != 0 && errno != EEXIST {
                        let why = Self.errorText()
                        if owned { close(fd) }
                        throw ZarrError(.storage, "cannot create directory '\(segments[...i].joined(separator: "/"))': \(why)", key: key)
                    }
                    next = openat(fd, segment, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                }
                if next < 0 {
                    let code = errno
                    let isLink = Self.isLink(fd, segment)
                    if owned { close(fd) }
                    if isLink {
                        guard let resolved = try resolveLink(segments, upTo: i, key: key, hops: &hops) else {
                            if create { throw ZarrError(.storage, "a dangling symbolic link on the way", key: key) }
                            return nil
                        }
                        segments = resolved
                        continue restart
                    }
                    if code == ENOENT || code == ENOTDIR { return nil }
                    if code == EACCES { throw ZarrError(.storage, "permission denied", key: key) }
                    throw ZarrError(.storage, "cannot open directory '\(segments[...i].joined(separator: "/"))': \(Self.errorText(code))", key: key)
                }
                if owned { close(fd) }
                (fd, owned) = (next, true)
            }
            return (fd, segments.last ?? "", owned)
        }
    }

    /// Opens the value at `key` for reading: a regular file, never a link out of the store, never
    /// a FIFO, socket or device (opened non-blocking, so a FIFO cannot hang the open). Returns
    /// nil when the key is absent (a missing file, a dangling link, or a directory).
    func openValue(_ key: String) throws -> (fd: Int32, size: Int)? {
        var segments = try path(key)
        var hops = 0
        while true {
            guard let (dir, name, owned) = try openParent(segments, key: key, create: false) else { return nil }
            let fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
            let code = errno
            let isLink = fd < 0 && Self.isLink(dir, name)
            if owned { close(dir) }
            if fd < 0 {
                if isLink {
                    guard let resolved = try resolveLink(segments.map(String.init), upTo: segments.count - 1, key: key, hops: &hops) else { return nil }
                    segments = resolved.map { Substring($0) }
                    continue
                }
                if code == ENOENT || code == ENOTDIR { return nil }
                if code == EACCES { throw ZarrError(.storage, "cannot open: permission denied", key: key) }
                if code == ENXIO || code == ENODEV || code == EOPNOTSUPP {
                    throw ZarrError(.storage, "not a regular file (a FIFO, socket or device)", key: key)
                }
                throw ZarrError(.storage, "cannot open: \(Self.errorText(code))", key: key)
            }
            var info = stat()
            guard fstat(fd, &info) == 0 else {
                let why = Self.errorText()
                close(fd)
                throw ZarrError(.storage, "cannot stat: \(why)", key: key)
            }
            switch info.st_mode & S_IFMT {
            case S_IFREG: return (fd, Int(info.st_size))
            case S_IFDIR:
                close(fd)
                return nil
            default:
                close(fd)
                throw ZarrError(.storage, "not a regular file (a FIFO, socket or device)", key: key)
            }
        }
    }

    static func isLink(_ dir: Int32, _ name: String) -> Bool {
        var info = stat()
        return fstatat(dir, name, &info, AT_SYMLINK_NOFOLLOW) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
    }

    /// Replaces `segments[0...index]` (whose last one is a link) by its target, relative to the
    /// root; a target outside the root is an error naming the key; nil when the link dangles.
    func resolveLink(_ segments: [String], upTo index: Int, key: String, hops: inout Int) throws -> [String]? {
        hops += 1
        guard hops <= Self.maxLinkHops else { throw ZarrError(.storage, "too many levels of symbolic links", key: key) }
        guard let rootReal = rootRealPath else { throw ZarrError(.storage, "cannot resolve the store directory", key: key) }
        let linkPath = root + "/" + segments[...index].joined(separator: "/")
        guard let resolved = realpath(linkPath, nil) else {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw ZarrError(.storage, "cannot resolve the link: \(Self.errorText())", key: key)
        }
        let target = String(cString: resolved)
        free(resolved)
        guard let relative = Self.relative(target, to: rootReal) else {
            throw ZarrError(.storage, "a symbolic link that resolves outside the store (to \(target))", key: key)
        }
        let rest = Array(segments.dropFirst(index + 1))
        guard !relative.isEmpty || !rest.isEmpty else { throw ZarrError(.storage, "a link to the store's root", key: key) }
        return relative + rest
    }

    /// The segments of `path` below `root`, or nil when it is not inside it.
    static func relative(_ path: String, to root: String) -> [String]? {
        if path == root { return [] }
        let base = root == "/" ? "/" : root + "/"
        guard path.hasPrefix(base) else { return nil }
        return path.dropFirst(base.count).split(separator: "/").map(String.init)
    }
}
