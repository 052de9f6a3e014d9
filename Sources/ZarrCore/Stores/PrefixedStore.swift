/// A store seen from a prefix of another (a node directory inside a zip file, say): keys are
/// relative to the prefix, so the node reads as a store root does, its own root metadata,
/// consolidated metadata and N5 version included.
public struct PrefixedStore: ReadableStore, ListableStore, WritableStore {
    public let base: any ReadableStore
    /// "" or ending with "/".
    public let prefix: String

    public init(_ base: any ReadableStore, prefix: String) throws {
        self.base = base
        self.prefix = prefix.isEmpty || prefix.hasSuffix("/") ? prefix : prefix + "/"
        if !prefix.isEmpty { try StoreKey.validate(String(self.prefix.dropLast())) }
    }

    public func get(_ key: String, range: ByteRange) throws -> [UInt8]? {
        try StoreKey.validate(key)
        return try base.get(prefix + key, range: range)
    }

    public func get(_ key: String, range: ByteRange, limit: Int) throws -> [UInt8]? {
        try StoreKey.validate(key)
        return try base.get(prefix + key, range: range, limit: limit)
    }

    public func size(_ key: String) throws -> Int? {
        try StoreKey.validate(key)
        return try base.size(prefix + key)
    }

    public func list(prefix sub: String) throws -> [String] {
        try listable().list(prefix: prefix + sub).map { String($0.dropFirst(prefix.count)) }
    }

    public func listDir(_ sub: String) throws -> (keys: [String], prefixes: [String]) { try listable().listDir(prefix + sub) }

    public func set(_ key: String, _ value: [UInt8]) throws {
        try StoreKey.validate(key)
        try writable().set(prefix + key, value)
    }

    public func erase(_ key: String) throws {
        try StoreKey.validate(key)
        try writable().erase(prefix + key)
    }

    private func listable() throws -> any ListableStore {
        guard let l = base as? any ListableStore else { throw ZarrError(.unsupported, "the store cannot list", key: prefix) }
        return l
    }

    private func writable() throws -> any WritableStore {
        guard let w = base as? any WritableStore else { throw ZarrError(.invalidArgument, "the store is read-only", key: prefix) }
        return w
    }
}
