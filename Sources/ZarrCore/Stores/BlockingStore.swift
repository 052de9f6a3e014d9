import Foundation

/// An async store seen as the sync `ReadableStore & ListableStore & WritableStore`, so that
/// today's synchronous pipeline can read remote stores until it goes async.
///
/// **Call it from threads outside Swift's cooperative pool only** (the main thread, GCD workers
/// such as `Parallel`'s `concurrentPerform`, `Thread`s): each call starts a task and blocks its
/// thread until the task finishes. Blocking a cooperative thread that way can starve the pool
/// (it has as many threads as cores) and deadlock, so a call made from inside a Swift task is
/// refused with an `invalidArgument` error instead.
///
/// `prefetch` fetches many values concurrently (at most `concurrency` requests in flight) and
/// keeps them until the pipeline asks: a prefetched value is handed out once and forgotten, so
/// a pipeline that reads each chunk once holds each in memory only between the two calls.
///
/// Errors reach the sync side as `ZarrError`s (`ZarrError.fromStore`): an HTTP status becomes a
/// `storage` error naming the key and the status; a missing key stays nil.
public final class BlockingStore: ReadableStore, ListableStore, WritableStore, @unchecked Sendable {  // `prefetched` is guarded by `lock`
    public let base: any AsyncReadableStore
    public let concurrency: Int
    private let lock = NSLock()
    private var prefetched: [StoreRequest: [UInt8]?] = [:]

    public init(_ base: any AsyncReadableStore, concurrency: Int = AsyncStores.defaultConcurrency) {
        self.base = base
        self.concurrency = max(1, concurrency)
    }

    public var isListable: Bool { base is any AsyncListableStore }
    public var isWritable: Bool { base is any AsyncWritableStore }

    /// Values prefetched and not yet handed out.
    public var prefetchedCount: Int { lock.withLock { prefetched.count } }

    public func get(_ key: String, range: ByteRange) throws -> [UInt8]? {
        try get(key, range: range, limit: StoreLimits.maxValueBytes)
    }

    public func get(_ key: String, range: ByteRange, limit: Int) throws -> [UInt8]? {
        let request = StoreRequest(key, range: range, limit: limit)
        if let hit = lock.withLock({ prefetched.removeValue(forKey: request) }) { return hit }
        let base = self.base
        return try Self.wait(key: key) { try await base.get(key, range: range, limit: limit) }
    }

    public func size(_ key: String) throws -> Int? {
        let base = self.base
        return try Self.wait(key: key) { try await base.size(key) }
    }

    public func list(prefix: String) throws -> [String] {
        guard let listable = base as? any AsyncListableStore else { throw Self.cannot("list", prefix) }
        return try Self.wait(key: prefix) { try await listable.list(prefix: prefix) }
    }

    public func listDir(_ prefix: String) throws -> (keys: [String], prefixes: [String]) {
        guard let listable = base as? any AsyncListableStore else { throw Self.cannot("list", prefix) }
        let listing = try Self.wait(key: prefix) { () -> ListingBox in
            let l = try await listable.listDir(prefix)
            return ListingBox(keys: l.keys, prefixes: l.prefixes)
        }
        return (listing.keys, listing.prefixes)
    }

    public func set(_ key: String, _ value: [UInt8]) throws {
        guard let writable = base as? any AsyncWritableStore else { throw Self.cannot("write", key) }
        try Self.wait(key: key) { try await writable.set(key, value) }
    }

    public func erase(_ key: String) throws {
        guard let writable = base as? any AsyncWritableStore else { throw Self.cannot("write", key) }
        try Self.wait(key: key) { try await writable.erase(key) }
    }

    /// Fetches every request with at most `concurrency` in flight and keeps the values (and
    /// absences) for the `get` that asks for exactly that key, range and limit. Returns them in
    /// order too. The first failure is thrown (as a `ZarrError` naming its key) and nothing of
    /// this call is kept.
    @discardableResult
    public func prefetch(_ requests: [StoreRequest]) throws -> [[UInt8]?] {
        let values = try fetch(requests)
        lock.withLock { for (r, v) in zip(requests, values) { prefetched[r] = v } }
        return values
    }

    /// Fetches every request with at most `concurrency` in flight, keeping nothing.
    public func fetch(_ requests: [StoreRequest]) throws -> [[UInt8]?] {
        let base = self.base, width = concurrency
        return try Self.wait(key: requests.first?.key ?? "") { () -> [[UInt8]?] in
            try await AsyncStores.map(requests, concurrency: width) { request in
                do { return try await base.get(request) } catch { throw ZarrError.fromStore(error, key: request.key) }
            }
        }
    }

    /// `prefetch` of whole values.
    @discardableResult
    public func prefetch(keys: [String], limit: Int = StoreLimits.maxValueBytes) throws -> [[UInt8]?] {
        try prefetch(keys.map { StoreRequest($0, range: .all, limit: limit) })
    }

    /// Forgets every prefetched value not yet handed out.
    public func clearPrefetched() { lock.withLock { prefetched.removeAll() } }

    private static func cannot(_ what: String, _ key: String) -> ZarrError {
        ZarrError(.unsupported, "this store cannot \(what) (an HTTP store has no listing: use consolidated metadata or explicit node paths)", key: key)
    }

    /// Runs `operation` in a task and blocks this thread until it ends.
    static func wait<T: Sendable>(key: String, _ operation: @escaping @Sendable () async throws -> T) throws -> T {
        guard !insideTask else {
            throw ZarrError(.invalidArgument, "BlockingStore was called from inside a Swift task; call the async store there", key: key)
        }
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox<T>()
        Task.detached {
            do { box.result = .success(try await operation()) } catch { box.result = .failure(error) }
            done.signal()
        }
        done.wait()
        switch box.result! {  // set before the signal the wait returned on
        case .success(let value): return value
        case .failure(let error): throw ZarrError.fromStore(error, key: key)
        }
    }

    private static var insideTask: Bool { withUnsafeCurrentTask { $0 != nil } }
}

/// A result handed from a task to the thread waiting for it; the semaphore orders the write
/// before the read.
private final class ResultBox<T: Sendable>: @unchecked Sendable {
    var result: Result<T, any Error>?
}

/// A store that fetches many values at once when told which the pipeline reads next (a remote
/// store behind `BlockingStore`): the pipeline prepares each batch of chunks before decoding it,
/// so up to the store's concurrency requests are in flight instead of one per core.
public protocol PrefetchingStore: ReadableStore {
    /// Fetches the requests for the `get`s that follow.
    func prepare(_ requests: [StoreRequest]) throws
    /// Fetches the requests and returns them in order, keeping nothing.
    func fetch(_ requests: [StoreRequest]) throws -> [[UInt8]?]
}

extension BlockingStore: PrefetchingStore {
    public func prepare(_ requests: [StoreRequest]) throws { try prefetch(requests) }
}
