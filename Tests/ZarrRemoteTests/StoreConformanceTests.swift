import Foundation
import XCTest
import ZarrCore
import ZarrTestSupport
@testable import ZarrRemote

/// One suite, every store (ST-04, ST-09, ST-10).
final class StoreConformanceTests: XCTestCase {
    func temporaryPath(_ name: String) throws -> String {
        let dir = NSTemporaryDirectory() + "zarr-remote-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        return dir + "/" + name
    }

    func testMemoryStore() async throws {
        try await StoreConformance.checkAll(AsyncStoreAdapter(MemoryStore()))
    }

    func testDirectoryStore() async throws {
        try await StoreConformance.checkAll(AsyncStoreAdapter(FilesystemStore(root: try temporaryPath("d.zarr"), durable: false)))
    }

    func testZipStoreStored() async throws {
        let path = try temporaryPath("s.zip")
        try await StoreConformance.checkAll(AsyncStoreAdapter(try ZipStore(path: path, mode: .write, compression: .stored)))
        // Read back through a fresh read-only store.
        try await StoreConformance.checkReads(AsyncStoreAdapter(try ZipStore(path: path)))
    }

    func testZipStoreDeflated() async throws {
        let path = try temporaryPath("d.zip")
        try await StoreConformance.checkAll(AsyncStoreAdapter(try ZipStore(path: path, mode: .write, compression: .deflated)))
        try await StoreConformance.checkReads(AsyncStoreAdapter(try ZipStore(path: path)))
    }

    func testHTTPStore() async throws {
        let server = try TestServers.httpServer()
        let dir = "conformance-\(UUID().uuidString)"
        try await StoreConformance.populate { try TestServers.write(server, dir + "/" + $0, $1) }
        let counters = RemoteCounters()
        let store = try HTTPStore(url: "\(server.base)/p/plain/\(dir)", counters: counters)
        try await StoreConformance.checkReads(store)
        let counts = counters.snapshot
        XCTAssertGreaterThan(counts.requests, 50)
        XCTAssertEqual(counts.retries, 0)
        XCTAssertGreaterThan(counts.bytes, 5000)
    }

    func testGCSStandIn() async throws {
        let server = try TestServers.httpServer()
        let bucket = "bucket-\(UUID().uuidString.prefix(8).lowercased())"
        try await StoreConformance.populate { try TestServers.write(server, "\(bucket)/data/root.zarr/" + $0, $1) }
        try TestServers.write(server, "\(bucket)/data/other", [1])
        // A page size of 2 makes the listing take several pages.
        let store = try GCSStore(bucket: bucket, prefix: "data/root.zarr", endpoint: server.base + "/gcs", pageSize: 2)
        try await StoreConformance.checkReads(store)
        try await StoreConformance.checkListing(store)
    }

    func testS3PathStyle() async throws {
        let store = try await S3Fixture.store(addressing: .path)
        try await StoreConformance.checkAll(store)
    }

    func testS3VirtualHost() async throws {
        let store = try await S3Fixture.store(addressing: .virtualHost)
        try await StoreConformance.checkAll(store)
    }

    /// The sync view of an async store reads what the async one reads (the sync pipeline's way in).
    func testBlockingStoreOverHTTP() throws {
        let server = try TestServers.httpServer()
        let dir = "blocking-\(UUID().uuidString)"
        for (key, value) in StoreConformance.fixture { try TestServers.write(server, dir + "/" + key, value) }
        let blocking = BlockingStore(try HTTPStore(url: "\(server.base)/p/plain/\(dir)"))
        for (key, value) in StoreConformance.fixture {
            XCTAssertEqual(try blocking.get(key), value)
            XCTAssertEqual(try blocking.size(key), value.count)
        }
        XCTAssertEqual(try blocking.get("a", range: .suffix(3)), [97, 98, 99])
        XCTAssertNil(try blocking.get("missing"))
        XCTAssertEqual(try blocking.getJSON("g/zarr.json")?["zarr_format"]?.intValue, 3)
        XCTAssertFalse(blocking.isListable)
        XCTAssertThrowsError(try blocking.list(prefix: "")) { XCTAssertEqual(($0 as? ZarrError)?.kind, .unsupported) }
        XCTAssertThrowsError(try blocking.get("a", range: .all, limit: 99)) { XCTAssertEqual(($0 as? ZarrError)?.kind, .corruptData) }
        // From GCD workers, as Parallel reads chunks today.
        let keys = StoreConformance.fixture.map(\.key)
        let values = try Parallel.map(keys.count) { try blocking.get(keys[$0]) }
        XCTAssertEqual(values, StoreConformance.fixture.map(\.value))
    }
}

/// A bucket on the moto server with the test's own name.
enum S3Fixture {
    static let credentials = S3Credentials(accessKeyID: "testing", secretAccessKey: "testing")

    static func store(addressing: S3Addressing, prefix: String = "", pageSize: Int = 1000, counters: RemoteCounters = RemoteCounters()) async throws -> S3Store {
        let server = try TestServers.motoServer()
        let bucket = "b-\(UUID().uuidString.prefix(13).lowercased())"
        let endpoint: String
        var http = HTTPOptions(retry: RetryPolicy(maxRetries: 2, baseDelay: .milliseconds(10)))
        switch addressing {
        case .path: endpoint = server.base
        case .virtualHost:
            // bucket.s3.test resolves to 127.0.0.1 for this client only.
            endpoint = "http://s3.test:\(server.port)"
            http.dnsOverride = ["\(bucket).s3.test": "127.0.0.1", "s3.test": "127.0.0.1"]
        }
        let options = S3Options(endpoint: endpoint, region: "us-east-1", addressing: addressing, credentials: credentials, http: http, listPageSize: pageSize)
        try await createBucket(bucket, options: options)
        return try S3Store(bucket: bucket, prefix: prefix, options: options, counters: counters)
    }

    /// PUT on the bucket (not a store operation: the tests' own setup).
    static func createBucket(_ bucket: String, options: S3Options) async throws {
        try await S3Store(bucket: bucket, options: options).createBucket()
    }
}
