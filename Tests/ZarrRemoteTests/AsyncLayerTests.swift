import Foundation
import Synchronization
import XCTest
import ZarrCore
import ZarrTestSupport

/// The async layer in ZarrCore: range coalescing, bounded concurrency, the sync→async adapter
/// and the async→sync bridge.
final class AsyncLayerTests: XCTestCase {
    func testCoalescerMergesWithinTheGap() {
        // 0..<10 and 100..<150 are 90 apart (merged at gap 4096); 10_000.. is 9_850 past 150.
        let groups = RangeCoalescer.coalesce([100..<150, 0..<10, 10_000..<10_010, 120..<130], gap: 4096, maxSize: 1 << 20)
        XCTAssertEqual(groups, [CoalescedRange(range: 0..<150, members: [1, 0, 3]), CoalescedRange(range: 10_000..<10_010, members: [2])])
    }

    func testCoalescerGapIsInclusiveAndZeroGapMergesTouchingRanges() {
        XCTAssertEqual(RangeCoalescer.coalesce([0..<10, 20..<30], gap: 10).map(\.range), [0..<30])
        XCTAssertEqual(RangeCoalescer.coalesce([0..<10, 21..<30], gap: 10).map(\.range), [0..<10, 21..<30])
        XCTAssertEqual(RangeCoalescer.coalesce([0..<10, 10..<20, 15..<18], gap: 0).map(\.range), [0..<20])
        XCTAssertEqual(RangeCoalescer.coalesce([0..<10, 11..<20], gap: 0).map(\.range), [0..<10, 11..<20])
    }

    func testCoalescerRespectsMaxSize() {
        // Each 100 bytes, 10 apart: at most 250 bytes per request gives pairs.
        let ranges = (0..<5).map { $0 * 110..<$0 * 110 + 100 }
        let groups = RangeCoalescer.coalesce(ranges, gap: 4096, maxSize: 250)
        XCTAssertEqual(groups.map(\.range), [0..<210, 220..<430, 440..<540])
        XCTAssertEqual(groups.map(\.members), [[0, 1], [2, 3], [4]])
        // A range longer than the maximum goes alone; one inside it still joins.
        XCTAssertEqual(RangeCoalescer.coalesce([0..<1000, 10..<20], gap: 4096, maxSize: 100).map(\.range), [0..<1000])
        XCTAssertEqual(RangeCoalescer.coalesce([0..<1000, 1001..<1002], gap: 4096, maxSize: 100).map(\.range), [0..<1000, 1001..<1002])
    }

    func testCoalescerNoneKeepsEveryRange() {
        let ranges = [0..<10, 5..<8, 10..<20]
        XCTAssertEqual(RangeCoalescer.coalesce(ranges, gap: RangeCoalescing.none.gap, maxSize: RangeCoalescing.none.maxSize).count, 3)
        XCTAssertEqual(RangeCoalescer.coalesce([]), [])
    }

    func testCoalescerCoversEveryIndexOnce() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let ranges = (0..<Int.random(in: 1...20, using: &generator)).map { _ -> Range<Int> in
                let a = Int.random(in: 0..<100_000, using: &generator)
                return a..<a + Int.random(in: 0..<5000, using: &generator)
            }
            let groups = RangeCoalescer.coalesce(ranges, gap: 4096, maxSize: 16384)
            XCTAssertEqual(groups.flatMap(\.members).sorted(), Array(ranges.indices))
            for g in groups {
                for m in g.members { XCTAssertTrue(g.range.lowerBound <= ranges[m].lowerBound && ranges[m].upperBound <= g.range.upperBound) }
                XCTAssertTrue(g.range.count <= 16384 || g.members.count == 1 || g.members.dropFirst().allSatisfy { ranges[$0].upperBound <= ranges[g.members[0]].upperBound })
            }
        }
    }

    /// getRanges sends one request per merged group: a counting store shows it.
    func testGetRangesCoalescesRequests() async throws {
        let memory = MemoryStore()
        let value = (0..<20_000).map { UInt8(truncatingIfNeeded: $0) }
        try memory.set("shard", value)
        let counting = CountingStore(AsyncStoreAdapter(memory))
        let ranges: [ByteRange] = [.range(offset: 0, length: 100), .range(offset: 200, length: 100), .range(offset: 15_000, length: 10), .suffix(32)]
        let parts = try await counting.getRanges("shard", ranges)
        XCTAssertEqual(parts, [Array(value[0..<100]), Array(value[200..<300]), Array(value[15_000..<15_010]), Array(value.suffix(32))])
        XCTAssertEqual(counting.requests, 3, "0..<300 merged, 15000 alone, the suffix alone")
        _ = try await counting.getRanges("shard", ranges, coalescing: .none)
        XCTAssertEqual(counting.requests, 3 + 4)
        await StoreConformance.expectError("negative range", { try await counting.getRanges("shard", [.range(offset: -1, length: 2)]) }) {
            XCTAssertEqual(($0 as? ZarrError)?.kind, .invalidArgument)
        }
    }

    func testMapKeepsOrderAndBoundsConcurrency() async throws {
        let inFlight = Mutex((now: 0, peak: 0))
        let out = try await AsyncStores.map(Array(0..<100), concurrency: 7) { i -> Int in
            inFlight.withLock { $0.now += 1; $0.peak = max($0.peak, $0.now) }
            try await Task.sleep(for: .milliseconds(Int.random(in: 1...5)))
            inFlight.withLock { $0.now -= 1 }
            return i * 2
        }
        XCTAssertEqual(out, (0..<100).map { $0 * 2 })
        XCTAssertEqual(inFlight.withLock { $0.peak }, 7)
    }

    func testMapThrowsTheFirstFailure() async {
        struct Boom: Error {}
        await StoreConformance.expectError("map", {
            try await AsyncStores.map(Array(0..<50), concurrency: 4) { i -> Int in
                if i == 13 { throw Boom() }
                return i
            }
        }) { XCTAssertTrue($0 is Boom) }
    }

    /// The adapter runs blocking calls on its own threads: 8 calls that each block 100 ms
    /// finish together even though the cooperative pool has only as many threads as cores.
    func testAdapterDoesNotBlockCooperativeThreads() async throws {
        let slow = SlowStore(delay: 0.1)
        let store = AsyncStoreAdapter(slow, pool: BlockingIOPool(threads: 8))
        let start = Date()
        let values = try await store.getMany((0..<8).map { StoreRequest("k\($0)") }, concurrency: 8)
        let elapsed = Date().timeIntervalSince(start)
        XCTAssertEqual(values, (0..<8).map { _ in [1] })
        XCTAssertLessThan(elapsed, 0.5, "8 × 100 ms in parallel took \(elapsed) s")
    }

    func testBlockingStoreRefusesToBlockACooperativeThread() async throws {
        let blocking = BlockingStore(AsyncStoreAdapter(MemoryStore()))
        XCTAssertThrowsError(try blocking.get("a")) { XCTAssertEqual(($0 as? ZarrError)?.kind, .invalidArgument) }
    }

    func testBlockingStoreBridgesEveryCapability() throws {
        let memory = MemoryStore()
        let blocking = BlockingStore(AsyncStoreAdapter(memory))
        XCTAssertTrue(blocking.isListable && blocking.isWritable)
        try blocking.set("g/a", [1, 2, 3])
        try blocking.set("g/b/c", [4])
        XCTAssertEqual(try memory.get("g/a"), [1, 2, 3])
        XCTAssertEqual(try blocking.get("g/a", range: .suffix(2)), [2, 3])
        XCTAssertEqual(try blocking.list(prefix: "g/"), ["g/a", "g/b/c"])
        XCTAssertEqual(try blocking.listDir("g/").prefixes, ["b"])
        XCTAssertEqual(try blocking.prefetch(keys: ["g/a", "nope"]), [[1, 2, 3], nil])
        XCTAssertEqual(blocking.prefetchedCount, 2)
        try memory.set("g/a", [9])  // the prefetched value is what is handed out, once
        XCTAssertEqual(try blocking.get("g/a"), [1, 2, 3])
        XCTAssertNil(try blocking.get("nope"))
        XCTAssertEqual(try blocking.get("g/a"), [9])
        try blocking.erase("g/a")
        XCTAssertNil(try memory.get("g/a"))
        XCTAssertThrowsError(try blocking.prefetch(keys: ["ok", "../bad"])) { XCTAssertEqual(($0 as? ZarrError)?.kind, .invalidArgument) }
        XCTAssertEqual(blocking.prefetchedCount, 0, "nothing of a failed prefetch is kept")
    }
}

/// Counts reads (to see coalescing).
final class CountingStore<Base: AsyncReadableStore>: AsyncReadableStore {
    let base: Base
    private let count = Mutex(0)
    var requests: Int { count.withLock { $0 } }

    init(_ base: Base) { self.base = base }

    func get(_ key: String, range: ByteRange, limit: Int) async throws -> [UInt8]? {
        count.withLock { $0 += 1 }
        return try await base.get(key, range: range, limit: limit)
    }

    func size(_ key: String) async throws -> Int? { try await base.size(key) }
}

/// A sync store whose every read blocks its thread.
final class SlowStore: ReadableStore {
    let delay: TimeInterval
    init(delay: TimeInterval) { self.delay = delay }
    func get(_ key: String, range: ByteRange) throws -> [UInt8]? {
        Thread.sleep(forTimeInterval: delay)
        return [1]
    }
}
