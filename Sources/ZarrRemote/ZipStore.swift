import Foundation
import ZIPFoundation
import ZarrCore
#if canImport(Glibc)
import Glibc
#endif

/// A zip file as a store (sync; `AsyncStoreAdapter` makes it async), through ZIPFoundation.
///
/// - Stored entries are read by range straight from the file, without reading the rest of the
///   entry (a shard's index is one read of its last bytes, ST-09); deflated entries are inflated
///   by ZIPFoundation, only as far as the range needs, and never past their declared size.
/// - zip64 archives (more than 65,535 entries, entries or offsets past 4 GiB) are read.
/// - Entry names are keys: a name that is not a valid store key (`../x`, `/abs`, `a//b`, a
///   backslash) makes the whole archive refused when it is opened, so no key ever escapes the
///   root. Directory entries (names ending in `/`) are not keys. Encrypted entries and
///   compression methods other than stored and deflate are refused when read.
/// - An archive written by other tools may hold one name twice (ST-08: a rewrite appends); the
///   last entry wins. Writes through this store replace an entry (ZIPFoundation removes the
///   old one), so its archives hold each key once.
///
/// Calls are serialised by a lock (ZIPFoundation's `Archive` is not thread-safe).
public final class ZipStore: Store, @unchecked Sendable {  // every mutable member is guarded by `lock`
    public enum Mode: Sendable {
        case read
        /// Opens the archive for writing, creating it when absent.
        case write
    }

    public enum Compression: Sendable {
        case stored
        case deflated
    }

    public let path: String
    public let mode: Mode
    /// How `set` writes entries.
    public let compression: Compression

    private let lock = NSLock()
    private var archive: Archive
    private var index: Index?

    private struct Item {
        var entry: Entry
        var record: ZipDirectory.Record
    }

    private struct Index {
        var fd: Int32
        var fileSize: UInt64
        var items: [String: Item]
        var keys: [String]
    }

    public init(path: String, mode: Mode = .read, compression: Compression = .stored) throws {
        self.path = path
        self.mode = mode
        self.compression = compression
        let url = URL(fileURLWithPath: path)
        do {
            if mode == .write, !FileManager.default.fileExists(atPath: path) {
                archive = try Archive(url: url, accessMode: .create)
            } else {
                archive = try Archive(url: url, accessMode: mode == .read ? .read : .update)
            }
        } catch {
            let missing = !FileManager.default.fileExists(atPath: path)
            throw ZarrError(missing ? .notFound : .corruptData, missing ? "no such zip file: \(path)" : "not a readable zip file (\(error)): \(path)")
        }
        try lock.withLock { _ = try indexed() }
    }

    deinit {
        if let index { close(index.fd) }
    }

    /// The archive's entries by name (built on first use and after each write).
    private func indexed() throws -> Index {
        if let index { return index }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ZarrError(.storage, "cannot open the zip file: \(String(cString: strerror(errno))): \(path)") }
        do {
            var st = stat()
            guard fstat(fd, &st) == 0 else { throw ZarrError(.storage, "cannot stat the zip file: \(path)") }
            let fileSize = UInt64(st.st_size)
            let directory = try ZipDirectory.read(fd: fd, fileSize: fileSize, path: path)
            let entries = Array(archive)
            guard entries.count == directory.records.count else {
                throw ZarrError(.corruptData, "the zip's central directory lists \(directory.records.count) entries, ZIPFoundation read \(entries.count): \(path)")
            }
            var items: [String: Item] = [:]
            for (entry, record) in zip(entries, directory.records) {
                if record.name.hasSuffix("/") { continue }  // a directory
                do { try StoreRules.validateKey(record.name) } catch {
                    throw ZarrError(.corruptData, "the zip holds an entry whose name is not a store key (it could escape the root): \(path)", key: record.name)
                }
                items[record.name] = Item(entry: entry, record: record)  // the last of a duplicated name wins (ST-08)
            }
            let built = Index(fd: fd, fileSize: fileSize, items: items, keys: items.keys.sorted())
            index = built
            return built
        } catch {
            close(fd)
            throw error
        }
    }

    private func invalidate() {
        if let index { close(index.fd) }
        index = nil
    }

    public func get(_ key: String, range: ByteRange) throws -> [UInt8]? {
        try get(key, range: range, limit: StoreLimits.maxValueBytes)
    }

    public func get(_ key: String, range: ByteRange, limit: Int) throws -> [UInt8]? {
        try StoreRules.validateKey(key)
        return try lock.withLock { () -> [UInt8]? in
            let index = try indexed()
            guard let item = index.items[key] else { return nil }
            let record = item.record
            guard record.flags & 1 == 0 else { throw ZarrError(.unsupported, "the zip entry is encrypted", key: key) }
            guard record.uncompressedSize <= UInt64(Int.max / 2) else { throw ZarrError(.corruptData, "the zip entry claims \(record.uncompressedSize) bytes", key: key) }
            let r = try StoreRules.resolve(range, count: Int(record.uncompressedSize), key: key)
            try StoreRules.checkLimit(r.count, limit: limit, key: key)
            switch record.method {
            case 0:
                guard record.compressedSize == record.uncompressedSize else { throw ZarrError(.corruptData, "a stored zip entry whose sizes differ", key: key) }
                let offset = try ZipDirectory.dataOffset(of: record, fd: index.fd, fileSize: index.fileSize, path: path)
                if r.isEmpty { return [] }
                return try ZipDirectory.pread(index.fd, count: r.count, at: offset + UInt64(r.lowerBound), path: path)
            case 8:
                return try inflate(item, range: r, key: key)
            default:
                throw ZarrError(.unsupported, "zip compression method \(record.method) (only stored and deflate are read)", key: key)
            }
        }
    }

    private struct EnoughRead: Error {}

    /// Inflates until `range` is complete; the CRC is checked when the whole entry is read.
    private func inflate(_ item: Item, range: Range<Int>, key: String) throws -> [UInt8] {
        let declared = Int(item.record.uncompressedSize)
        let whole = range.lowerBound == 0 && range.upperBound == declared
        var out: [UInt8] = []
        out.reserveCapacity(range.count)
        var position = 0
        do {
            _ = try archive.extract(item.entry, skipCRC32: !whole) { data in
                let start = position
                position += data.count
                guard position <= declared else { throw ZarrError(.corruptData, "the zip entry inflates past its declared \(declared) bytes", key: key) }
                let a = max(start, range.lowerBound), b = min(position, range.upperBound)
                if a < b { out.append(contentsOf: data[data.startIndex + (a - start)..<data.startIndex + (b - start)]) }
                if position >= range.upperBound, !whole { throw EnoughRead() }
            }
        } catch is EnoughRead {
        } catch let e as ZarrError {
            throw e
        } catch {
            throw ZarrError(.corruptData, "the zip entry does not inflate: \(error)", key: key)
        }
        guard out.count == range.count else { throw ZarrError(.corruptData, "the zip entry inflates to fewer bytes than its declared \(declared)", key: key) }
        return out
    }

    public func size(_ key: String) throws -> Int? {
        try StoreRules.validateKey(key)
        return try lock.withLock { try indexed().items[key].map { Int(clamping: $0.record.uncompressedSize) } }
    }

    public func list(prefix: String) throws -> [String] {
        try lock.withLock { try indexed().keys.filter { $0.hasPrefix(prefix) } }
    }

    public func listDir(_ prefix: String) throws -> (keys: [String], prefixes: [String]) {
        StoreRules.splitListing(try list(prefix: prefix), prefix: prefix)
    }

    public func set(_ key: String, _ value: [UInt8]) throws {
        try StoreRules.validateKey(key)
        guard mode == .write else { throw ZarrError(.invalidArgument, "the zip store was opened for reading", key: key) }
        try lock.withLock {
            defer { invalidate() }
            do {
                try removeEntries(named: key)
                let data = Data(value)
                try archive.addEntry(
                    with: key, type: .file, uncompressedSize: Int64(value.count), compressionMethod: compression == .stored ? .none : .deflate
                ) { position, size in data.subdata(in: Int(position)..<Int(position) + size) }
            } catch let e as ZarrError { throw e } catch {
                throw ZarrError(.storage, "cannot write the zip entry: \(error)", key: key)
            }
        }
    }

    public func erase(_ key: String) throws {
        try StoreRules.validateKey(key)
        guard mode == .write else { throw ZarrError(.invalidArgument, "the zip store was opened for reading", key: key) }
        try lock.withLock {
            defer { invalidate() }
            do { try removeEntries(named: key) } catch let e as ZarrError { throw e } catch {
                throw ZarrError(.storage, "cannot remove the zip entry: \(error)", key: key)
            }
        }
    }

    private func removeEntries(named key: String) throws {
        while let entry = archive.first(where: { $0.path == key }) { try archive.remove(entry) }
    }
}
