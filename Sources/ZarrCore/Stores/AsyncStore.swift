/// Async storage, split by capability as the sync protocols in `Store.swift` are (V3-102…V3-104):
/// readable, listable, writable. The rules are the same: keys are `/`-separated and checked with
/// `StoreRules.validateKey` (ST-04); a missing key reads as nil and every other failure is thrown
/// (ST-10: a failed request is never a missing value, so never a fill value); byte ranges include
/// suffix ranges (ST-09); a read refuses, before it allocates, to return more than `limit` bytes.
///
/// Local stores are sync and reach this layer through `AsyncStoreAdapter`; remote stores
/// (ZarrRemote) are async and reach today's sync pipeline through `BlockingStore`.
public protocol AsyncReadableStore: Sendable {
    /// `range` of the value at `key`; nil when the key is absent. Never more than `limit` bytes:
    /// a size the store announces is checked before anything is allocated.
    func get(_ key: String, range: ByteRange, limit: Int) async throws -> [UInt8]?
    /// The size of a value without reading it; nil when absent.
    func size(_ key: String) async throws -> Int?
}

public protocol AsyncListableStore: Sendable {
    /// Every key under `prefix` (which is "" or ends with "/"), as full keys, sorted.
    func list(prefix: String) async throws -> [String]
    /// The keys and child prefixes directly under `prefix`, without the prefix, sorted.
    func listDir(_ prefix: String) async throws -> (keys: [String], prefixes: [String])
}

public protocol AsyncWritableStore: Sendable {
    func set(_ key: String, _ value: [UInt8]) async throws
    /// Erasing a missing key is not an error.
    func erase(_ key: String) async throws
}

public typealias AsyncStore = AsyncReadableStore & AsyncListableStore & AsyncWritableStore

/// One read: a key, a byte range of its value and the most bytes it may return.
public struct StoreRequest: Hashable, Sendable, CustomStringConvertible {
    public var key: String
    public var range: ByteRange
    public var limit: Int

    public init(_ key: String, range: ByteRange = .all, limit: Int = StoreLimits.maxValueBytes) {
        self.key = key
        self.range = range
        self.limit = limit
    }

    public static func == (a: StoreRequest, b: StoreRequest) -> Bool {
        a.key == b.key && a.range == b.range && a.limit == b.limit
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(key)
        hasher.combine(limit)
        switch range {
        case .all: hasher.combine(0)
        case .range(let offset, let length): hasher.combine(1); hasher.combine(offset); hasher.combine(length)
        case .suffix(let n): hasher.combine(2); hasher.combine(n)
        }
    }

    public var description: String {
        switch range {
        case .all: return key
        case .range(let offset, let length): return "\(key)[\(offset)+\(length)]"
        case .suffix(let n): return "\(key)[-\(n)]"
        }
    }
}

/// The key, range and size rules every store applies, for stores outside this module.
public enum StoreRules {
    /// Throws `invalidArgument` for empty, absolute, `.`/`..`, backslash or NUL keys (ST-04).
    public static func validateKey(_ key: String) throws { try StoreKey.validate(key) }

    /// Throws `corruptData` when `count` bytes exceed `limit` (a stored size is a claim).
    public static func checkLimit(_ count: Int, limit: Int, key: String) throws {
        try StoreLimits.check(count, limit: limit, key: key)
    }

    /// The bytes `range` selects in a value of `count` bytes; out of bounds is an error.
    public static func resolve(_ range: ByteRange, count: Int, key: String) throws -> Range<Int> {
        try range.resolve(count: count, key: key)
    }

    /// The most bytes `range` can select whatever the value's size (nil for `.all`), after
    /// checking that its numbers are not negative.
    public static func requestedLength(_ range: ByteRange, key: String) throws -> Int? {
        switch range {
        case .all: return nil
        case .range(let offset, let length):
            guard offset >= 0, length >= 0, offset <= Int.max - length else {
                throw ZarrError(.invalidArgument, "invalid byte range \(offset)+\(length)", key: key)
            }
            return length
        case .suffix(let n):
            guard n >= 0 else { throw ZarrError(.invalidArgument, "invalid suffix length \(n)", key: key) }
            return n
        }
    }

    /// `listDir` computed from a flat listing of full keys under `prefix`.
    public static func splitListing(_ keys: [String], prefix: String) -> (keys: [String], prefixes: [String]) {
        var names = Set<String>(), prefixes = Set<String>()
        for key in keys where key.hasPrefix(prefix) {
            let rest = key.dropFirst(prefix.count)
            if let slash = rest.firstIndex(of: "/") { prefixes.insert(String(rest[..<slash])) } else if !rest.isEmpty { names.insert(String(rest)) }
        }
        return (names.sorted(), prefixes.sorted())
    }
}

/// An error a store throws that is not a `ZarrError` (an HTTP status, say) can say which
/// `ZarrError` it stands for; `BlockingStore` hands that one to the sync pipeline.
public protocol ZarrErrorConvertible: Error {
    var zarrError: ZarrError { get }
}

extension ZarrError {
    /// `error` as a `ZarrError` of the store layer: itself, its own conversion, or a storage
    /// error that carries its description and the key.
    public static func fromStore(_ error: any Error, key: String) -> ZarrError {
        if let e = error as? ZarrError { return e.key == nil ? e.at(key: key) : e }
        if let e = error as? any ZarrErrorConvertible { return e.zarrError }
        return ZarrError(.storage, "\(error)", key: key)
    }
}

extension AsyncReadableStore {
    public func get(_ key: String, range: ByteRange = .all) async throws -> [UInt8]? {
        try await get(key, range: range, limit: StoreLimits.maxValueBytes)
    }

    public func get(_ request: StoreRequest) async throws -> [UInt8]? {
        try await get(request.key, range: request.range, limit: request.limit)
    }

    /// Reads and parses a JSON document, naming the key in any error.
    public func getJSON(_ key: String) async throws -> JSON? {
        guard let bytes = try await get(key, range: .all, limit: StoreLimits.maxMetadataBytes) else { return nil }
        do { return try JSON.parse(bytes) } catch let e as ZarrError { throw e.at(key: key) }
    }

    /// Many reads with at most `concurrency` in flight; results in the order of `requests`.
    /// The first failure cancels the rest and is thrown (a failure is never a nil).
    public func getMany(_ requests: [StoreRequest], concurrency: Int = AsyncStores.defaultConcurrency) async throws -> [[UInt8]?] {
        try await AsyncStores.map(requests, concurrency: concurrency) { try await self.get($0) }
    }

    /// Several ranges of one value, with nearby absolute ranges merged into one request each
    /// (`RangeCoalescer`); suffix and whole-value requests go on their own. nil when the key is
    /// absent. Each range is checked against `limit`, each merged request against the
    /// coalescing's `maxSize` (a range longer than that is requested alone).
    public func getRanges(
        _ key: String, _ ranges: [ByteRange], coalescing: RangeCoalescing = RangeCoalescing(),
        concurrency: Int = AsyncStores.defaultConcurrency, limit: Int = StoreLimits.maxValueBytes
    ) async throws -> [[UInt8]]? {
        var absolute: [Range<Int>] = [], absoluteIndex: [Int] = []
        var requests: [(request: StoreRequest, members: [(index: Int, slice: Range<Int>)])] = []
        for (i, range) in ranges.enumerated() {
            if let length = try StoreRules.requestedLength(range, key: key) { try StoreRules.checkLimit(length, limit: limit, key: key) }
            if case .range(let offset, let length) = range {
                absolute.append(offset..<offset + length)
                absoluteIndex.append(i)
            } else {
                requests.append((StoreRequest(key, range: range, limit: limit), [(i, 0..<Int.max)]))
            }
        }
        for group in RangeCoalescer.coalesce(absolute, gap: coalescing.gap, maxSize: coalescing.maxSize) {
            let members = group.members.map { m in
                (absoluteIndex[m], absolute[m].lowerBound - group.range.lowerBound..<absolute[m].upperBound - group.range.lowerBound)
            }
            let request = StoreRequest(key, range: .range(offset: group.range.lowerBound, length: group.range.count), limit: max(group.range.count, 0))
            requests.append((request, members))
        }
        let values = try await AsyncStores.map(requests.map(\.request), concurrency: concurrency) { try await self.get($0) }
        var out = [[UInt8]](repeating: [], count: ranges.count)
        for (value, entry) in zip(values, requests) {
            guard let value else { return nil }
            for member in entry.members {
                if member.slice.upperBound == Int.max { out[member.index] = value; continue }
                guard member.slice.upperBound <= value.count else {
                    throw ZarrError(.storage, "the store returned \(value.count) bytes for a \(entry.request.range) request", key: key)
                }
                out[member.index] = Array(value[member.slice])
            }
        }
        return out
    }
}

/// Bounded concurrency over many async operations.
public enum AsyncStores {
    /// Requests in flight at once when a caller does not say (the default).
    public static let defaultConcurrency = 32

    /// `body` over `items` with at most `concurrency` running at once (a new one starts only when
    /// one finishes); results in input order. The first error cancels the rest and is thrown.
    public static func map<T: Sendable, R: Sendable>(
        _ items: [T], concurrency: Int, _ body: @escaping @Sendable (T) async throws -> R
    ) async throws -> [R] {
        if items.isEmpty { return [] }
        let width = max(1, min(concurrency, items.count))
        return try await withThrowingTaskGroup(of: (Int, R).self) { group in
            var out = [R?](repeating: nil, count: items.count)
            var next = 0
            while next < width {
                let i = next, item = items[i]
                group.addTask { (i, try await body(item)) }
                next += 1
            }
            while let (i, value) = try await group.next() {
                out[i] = value
                if next < items.count {
                    let j = next, item = items[j]
                    group.addTask { (j, try await body(item)) }
                    next += 1
                }
            }
            return out.map { $0! }  // every index was filled: the loop ran until the group was empty
        }
    }
}
