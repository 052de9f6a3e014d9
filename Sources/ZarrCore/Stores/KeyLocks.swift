import Foundation

/// Serialises read-modify-write of one key across every writer in this process: two partial
/// writes into inner chunks of the same shard would otherwise each read the old shard and the
/// second would drop the first's update. Across processes the rule is one writer per shard (or
/// per chunk) at a time; this store layer cannot detect a lost update there.
final class KeyLocks: @unchecked Sendable {  // all state is guarded by `lock`
    static let shared = KeyLocks()

    private let lock = NSLock()
    private var held: [String: (lock: NSLock, users: Int)] = [:]

    func withLock<T>(store: any ReadableStore, key: String, _ body: () throws -> T) rethrows -> T {
        let name = Self.identity(of: store) + "\u{0}" + key
        let keyLock: NSLock = lock.withLock {
            let entry = held[name] ?? (NSLock(), 0)
            held[name] = (entry.lock, entry.users + 1)
            return entry.lock
        }
        defer {
            lock.withLock {
                if let entry = held[name] { held[name] = entry.users > 1 ? (entry.lock, entry.users - 1) : nil }
            }
        }
        return try keyLock.withLock(body)
    }

    /// Two handles on one directory share their locks; other stores lock per instance.
    static func identity(of store: any ReadableStore) -> String {
        if let directory = store as? FilesystemStore { return "dir:" + (directory.rootRealPath ?? directory.root) }
        return "obj:\(ObjectIdentifier(store as AnyObject).hashValue)"
    }
}
