import Foundation
import XCTest
import ZarrCore
import ZarrTestSupport
@testable import ZarrRemote

final class LocationTests: XCTestCase {
    func testParsesEveryKind() throws {
        let fixtures = TestServers.repoRoot + "/Vectors/fixtures/v3/zarr-python-3.1.6/hierarchy-node.zarr"
        let directory = try Location.parse(fixtures + "/")
        XCTAssertEqual(directory.kind, .directory)
        XCTAssertEqual(directory.path, "")
        XCTAssertEqual(try BlockingStore(directory.store).getJSON("zarr.json")?["node_type"]?.stringValue, "group")
        XCTAssertNotNil(directory.listable)
        XCTAssertEqual(try Location.parse("file://" + fixtures).kind, .directory)

        let http = try Location.parse("https://example.org/data/x.zarr")
        XCTAssertEqual(http.kind, .http)
        XCTAssertEqual((http.store as? HTTPStore)?.base.appending(key: "c/0").string, "https://example.org/data/x.zarr/c/0")
        XCTAssertNil(http.listable)

        let env = ["AWS_ACCESS_KEY_ID": "id", "AWS_SECRET_ACCESS_KEY": "s", "AWS_REGION": "eu-west-2", "AWS_ENDPOINT_URL": "http://127.0.0.1:1"]
        let s3 = try Location.parse("s3://bucket/some/prefix.zarr/", options: LocationOptions(environment: env))
        let s3Store = try XCTUnwrap(s3.store as? S3Store)
        XCTAssertEqual(s3.kind, .s3)
        XCTAssertEqual(s3Store.bucket, "bucket")
        XCTAssertEqual(s3Store.prefix, "some/prefix.zarr/")
        XCTAssertEqual(s3Store.options.region, "eu-west-2")
        XCTAssertEqual(s3Store.objectURL("zarr.json").string, "http://127.0.0.1:1/bucket/some/prefix.zarr/zarr.json")
        XCTAssertEqual(s3Store.options.credentials?.accessKeyID, "id")
        let anonymous = try Location.parse("s3://bucket", options: LocationOptions(environment: env, s3EndpointURL: "http://127.0.0.1:2", noSignRequest: true))
        XCTAssertNil((anonymous.store as? S3Store)?.options.credentials)
        XCTAssertEqual((anonymous.store as? S3Store)?.objectURL("k").string, "http://127.0.0.1:2/bucket/k")

        let gcs = try Location.parse("gs://public-bucket/a/b")
        XCTAssertEqual(gcs.kind, .gcs)
        XCTAssertEqual((gcs.store as? GCSStore)?.objectURL("zarr.json").string, "https://storage.googleapis.com/public-bucket/a/b/zarr.json")

        XCTAssertThrowsError(try Location.parse("ftp://x/y")) { XCTAssertEqual(($0 as? ZarrError)?.kind, .invalidArgument) }
        XCTAssertThrowsError(try Location.parse("s3:///prefix"))
        XCTAssertThrowsError(try Location.parse("https://host/file.zip/node")) { XCTAssertEqual(($0 as? RemoteStoreError)?.code, .unsupported) }
    }

    func testZipLocations() async throws {
        let dir = NSTemporaryDirectory() + "zarr-loc-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/new.zip"
        XCTAssertEqual(try Location.parse(path + "/node").kind, .directory, "no such zip, read-only: a directory (that does not exist yet)")
        let written = try Location.parse(path, options: LocationOptions(writable: true, zipCompression: .deflated))
        XCTAssertEqual(written.kind, .zip)
        try await written.writable?.set("node/zarr.json", Array("{}".utf8))
        let node = try Location.parse(path + "/node")
        XCTAssertEqual(node.kind, .zip)
        XCTAssertEqual(node.path, "node")
        let doc = try await node.store.get("node/zarr.json")
        XCTAssertEqual(doc, Array("{}".utf8))
    }

    /// Locations reach the servers the tests start: HTTP, S3 (endpoint from the environment), GCS.
    func testRemoteLocationsRead() async throws {
        let server = try TestServers.httpServer()
        let dir = "loc-\(UUID().uuidString)"
        try TestServers.write(server, dir + "/x.zarr/zarr.json", Array(#"{"node_type":"group"}"#.utf8))
        let http = try Location.parse("\(server.base)/p/plain/\(dir)/x.zarr")
        let httpDoc = try await http.store.getJSON("zarr.json")
        XCTAssertEqual(httpDoc?["node_type"]?.stringValue, "group")

        let gcs = try Location.parse("gs://\(dir)/x.zarr", options: LocationOptions(gcsEndpoint: server.base + "/gcs"))
        let gcsDoc = try await gcs.store.getJSON("zarr.json")
        XCTAssertEqual(gcsDoc?["node_type"]?.stringValue, "group")
        let gcsKeys = try await gcs.listable?.list(prefix: "")
        XCTAssertEqual(gcsKeys, ["zarr.json"])

        let s3 = try await S3Fixture.store(addressing: .path)
        try await s3.set("p/q.zarr/zarr.json", Array("{}".utf8))
        let motoPort = try TestServers.motoServer().port
        let env = ["AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_ENDPOINT_URL": "http://127.0.0.1:\(motoPort)", "AWS_REGION": "us-east-1"]
        let location = try Location.parse("s3://\(s3.bucket)/p/q.zarr", options: LocationOptions(environment: env))
        let s3Doc = try await location.store.get("zarr.json")
        XCTAssertEqual(s3Doc, Array("{}".utf8))
        let s3Keys = try await location.listable?.list(prefix: "")
        XCTAssertEqual(s3Keys, ["zarr.json"])
    }
}
