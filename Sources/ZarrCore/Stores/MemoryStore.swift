import Foundation

/// An in-memory store, safe to use from several threads.
public final class MemoryStore: Store, @unchecked Sendable {  // `values` is guarded by `lock`
    private var values: [String: [UInt8]] = [:]
    private let lock = NSLock()

    public init() {}

    public func get(_ key: String, range: ByteRange) throws -> [UInt8]? {
        try StoreKey.validate(key)
        guard let value = lock.withLock({ values[key] }) else { return nil }
        return Array(value[try range.resolve(count: value.count, key: key)])
    }

    public func size(_ key: String) throws -> Int? {
        try StoreKey.validate(key)
        return lock.withLock { values[key]?.count }
    }

    public func set(_ key: String, _ value: [UInt8]) throws {
        try StoreKey.validate(key)
        lock.withLock { values[key] = value }
    }

    public func erase(_ key: String) throws {
        try StoreKey.validate(key)
        _ = lock.withLock { values.removeValue(forKey: key) }
    }

    public func list(prefix: String) throws -> [String] {
        lock.withLock { values.keys.filter { $0.hasPrefix(prefix) }.sorted() }
    }

    public func listDir(_ prefix: String) throws -> (keys: [String], prefixes: [String]) {
        var keys = Set<String>(), prefixes = Set<String>()
        for key in try list(prefix: prefix) {
            let rest = key.dropFirst(prefix.count)
            if let slash = rest.firstIndex(of: "/") { prefixes.insert(String(rest[..<slash])) } else { keys.insert(String(rest)) }
        }
        return (keys.sorted(), prefixes.sorted())
    }
}
