import Foundation

/// Threads of their own for blocking calls (file reads, `fsync`, zip extraction), so that an
/// async caller never blocks a thread of Swift's cooperative pool, which is sized to the cores.
/// The threads start on first use and live as long as the pool; `shared` lives for the process.
public final class BlockingIOPool: @unchecked Sendable {  // `jobs`, `started` and `idle` are guarded by `condition`
    public static let shared = BlockingIOPool(threads: 16)

    public let threads: Int
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var started = 0
    private var idle = 0

    public init(threads: Int) {
        self.threads = max(1, threads)
    }

    /// Runs `body` on one of the pool's threads and resumes the caller with its result.
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            submit { continuation.resume(with: Result { try body() }) }
        }
    }

    private func submit(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        jobs.append(job)
        let spawn = idle == 0 && started < threads
        if spawn { started += 1 }
        condition.signal()
        condition.unlock()
        if spawn {
            let thread = Thread { [self] in work() }
            thread.name = "zarr-blocking-io"
            thread.start()
        }
    }

    private func work() {
        while true {
            condition.lock()
            idle += 1
            while jobs.isEmpty { condition.wait() }
            idle -= 1
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }
}

/// A sync store (`FilesystemStore`, `MemoryStore`, a zip store) seen as an async one. Each call
/// runs on a `BlockingIOPool` thread, never on a cooperative thread. Capabilities follow the
/// base store's: listable when it is listable, writable when it is writable.
public struct AsyncStoreAdapter<Base: Sendable>: Sendable {
    public let base: Base
    public let pool: BlockingIOPool

    public init(_ base: Base, pool: BlockingIOPool = .shared) {
        self.base = base
        self.pool = pool
    }
}

extension AsyncStoreAdapter: AsyncReadableStore where Base: ReadableStore {
    public func get(_ key: String, range: ByteRange, limit: Int) async throws -> [UInt8]? {
        let base = self.base
        return try await pool.run { try base.get(key, range: range, limit: limit) }
    }

    public func size(_ key: String) async throws -> Int? {
        let base = self.base
        return try await pool.run { try base.size(key) }
    }
}

extension AsyncStoreAdapter: AsyncListableStore where Base: ListableStore {
    public func list(prefix: String) async throws -> [String] {
        let base = self.base
        return try await pool.run { try base.list(prefix: prefix) }
    }

    public func listDir(_ prefix: String) async throws -> (keys: [String], prefixes: [String]) {
        let base = self.base
        let listing = try await pool.run { () -> ListingBox in
            let l = try base.listDir(prefix)
            return ListingBox(keys: l.keys, prefixes: l.prefixes)
        }
        return (listing.keys, listing.prefixes)
    }
}

extension AsyncStoreAdapter: AsyncWritableStore where Base: WritableStore {
    public func set(_ key: String, _ value: [UInt8]) async throws {
        let base = self.base
        try await pool.run { try base.set(key, value) }
    }

    public func erase(_ key: String) async throws {
        let base = self.base
        try await pool.run { try base.erase(key) }
    }
}

/// A listing carried across threads (tuples are not `Sendable` by conformance).
struct ListingBox: Sendable {
    var keys: [String]
    var prefixes: [String]
}
