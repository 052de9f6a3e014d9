import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A directory as a store (V3-107): keys map to files below `root`, `/` to the path separator.
/// Reads use `pread` for byte ranges; writes go to a temporary file in the same directory and
/// are renamed into place, so a reader never sees half a value.
public final class FilesystemStore: Store, @unchecked Sendable {
    public let root: String

    public init(root: String) {
        self.root = root.hasSuffix("/") && root.count > 1 ? String(root.dropLast()) : root
    }

    func path(_ key: String) throws -> String {
        try StoreKey.validate(key)
        return root + "/" + key
    }

    public func get(_ key: String, range: ByteRange) throws -> [UInt8]? {
        let p = try path(key)
        let fd = open(p, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            if errno == EISDIR { return nil }
            throw ZarrError(.storage, "cannot open: \(String(cString: strerror(errno)))", key: key)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw ZarrError(.storage, "cannot stat: \(String(cString: strerror(errno)))", key: key) }
        if (info.st_mode & S_IFMT) == S_IFDIR { return nil }
        let r = try range.resolve(count: Int(info.st_size), key: key)
        var out = [UInt8](repeating: 0, count: r.count)
        var done = 0
        while done < r.count {
            let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, r.count - done, off_t(r.lowerBound + done)) }  // r.count > 0 here
            if n < 0 {
                if errno == EINTR { continue }
                throw ZarrError(.storage, "read failed: \(String(cString: strerror(errno)))", key: key)
            }
            if n == 0 { throw ZarrError(.storage, "file shrank while being read", key: key) }
            done += n
        }
        return out
    }

    public func size(_ key: String) throws -> Int? {
        var info = stat()
        guard stat(try path(key), &info) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw ZarrError(.storage, "cannot stat: \(String(cString: strerror(errno)))", key: key)
        }
        return (info.st_mode & S_IFMT) == S_IFDIR ? nil : Int(info.st_size)
    }

    public func set(_ key: String, _ value: [UInt8]) throws {
        let p = try path(key)
        let dir = (p as NSString).deletingLastPathComponent
        do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
            throw ZarrError(.storage, "cannot create directory \(dir): \(error.localizedDescription)", key: key)
        }
        let tmp = dir + "/.\((p as NSString).lastPathComponent).\(UUID().uuidString).partial"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ZarrError(.storage, "cannot create temporary file: \(String(cString: strerror(errno)))", key: key) }
        var done = 0
        while done < value.count {
            let n = value.withUnsafeBytes { write(fd, $0.baseAddress! + done, value.count - done) }  // count > 0 here
            if n < 0 {
                if errno == EINTR { continue }
                let why = String(cString: strerror(errno))
                close(fd); unlink(tmp)
                throw ZarrError(.storage, "write failed: \(why)", key: key)
            }
            done += n
        }
        close(fd)
        guard rename(tmp, p) == 0 else {
            let why = String(cString: strerror(errno))
            unlink(tmp)
            throw ZarrError(.storage, "cannot move the temporary file into place: \(why)", key: key)
        }
    }

    public func erase(_ key: String) throws {
        let p = try path(key)
        if unlink(p) != 0, errno != ENOENT { throw ZarrError(.storage, "cannot delete: \(String(cString: strerror(errno)))", key: key) }
    }

    public func list(prefix: String) throws -> [String] {
        var out: [String] = []
        var stack = [prefix]
        var visited = Set<String>()
        while let dirPrefix = stack.popLast() {
            let (keys, prefixes) = try listDir(dirPrefix)
            out += keys.map { dirPrefix + $0 }
            for p in prefixes {
                // Symlink loops: a directory is visited once by its real path.
                let real = (root + "/" + dirPrefix + p as NSString).resolvingSymlinksInPath
                if visited.insert(real).inserted { stack.append(dirPrefix + p + "/") }
            }
        }
        return out.sorted()
    }

    public func listDir(_ prefix: String) throws -> (keys: [String], prefixes: [String]) {
        let dir = prefix.isEmpty ? root : root + "/" + String(prefix.dropLast())
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return ([], []) }
        var keys: [String] = [], prefixes: [String] = []
        for name in names.sorted() {
            if name.hasSuffix(".partial") && name.hasPrefix(".") { continue }  // in-flight writes
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir + "/" + name, isDirectory: &isDir) else { continue }
            if isDir.boolValue { prefixes.append(name) } else { keys.append(name) }
        }
        return (keys, prefixes)
    }
}
