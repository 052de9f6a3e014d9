import Foundation
import XCTest
import ZarrCore
import ZarrTestSupport
@testable import ZarrRemote

/// S3 beyond the shared suite: SigV4 against AWS's published example and against botocore,
/// credentials and configuration from the environment, prefixes and pagination on moto,
/// anonymous reads, a fixture family uploaded and read back byte for byte.
final class S3Tests: XCTestCase {
    /// AWS's documented example "GET Object" (Signature Version 4, header-based auth, S3 API
    /// reference): bucket examplebucket, key test.txt, Range bytes=0-9, 20130524T000000Z.
    func testSigV4MatchesAWSPublishedExample() {
        let signer = SigV4(credentials: S3Credentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), region: "us-east-1")
        var headers: [(String, String)] = [("Range", "bytes=0-9")]
        let authorization = signer.authorization(
            method: "GET", path: "/test.txt", query: [], host: "examplebucket.s3.amazonaws.com", headers: &headers,
            payloadHash: SigV4.emptyPayloadHash, date: Date(timeIntervalSince1970: 1_369_353_600))
        XCTAssertEqual(authorization, "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    }

    /// The same requests signed by botocore (from the moto venv) give the same signatures:
    /// a PUT with a body, a listing with a query, a session token, a key that needs encoding.
    func testSigV4MatchesBotocore() throws {
        let python = TestServers.repoRoot + "/.venv-moto/bin/python"
        guard FileManager.default.isExecutableFile(atPath: python) else { throw XCTSkip("moto venv absent: run bash scripts/setup.sh") }
        let credentials = S3Credentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "secret/key+x", sessionToken: "token-123")
        var signer = SigV4(credentials: credentials, region: "eu-west-3")
        let body = Array("hello, bucket".utf8)
        let cases: [(String, RemoteURL, [UInt8]?)] = [
            ("PUT", RemoteURL(scheme: "http", host: "127.0.0.1", port: 9000, path: "/bkt/" + Percent.encode("a b/c+d=é.json", keepSlash: true)), body),
            ("GET", RemoteURL(scheme: "http", host: "127.0.0.1", port: 9000, path: "/bkt", query: [("list-type", "2"), ("prefix", "x/y z/"), ("max-keys", "2"), ("continuation-token", "abc/=+")]), nil),
        ]
        for (method, url, payload) in cases {
            // botocore signs at its own clock; it prints the date it used, and we sign at that date.
            let script = """
            import sys
            from botocore.auth import S3SigV4Auth
            from botocore.awsrequest import AWSRequest
            from botocore.credentials import Credentials
            req = AWSRequest(method=sys.argv[1], url=sys.argv[2], data=sys.argv[3].encode() if sys.argv[3] != "-" else None)
            S3SigV4Auth(Credentials("AKIDEXAMPLE", "secret/key+x", "token-123"), "s3", "eu-west-3").add_auth(req)
            print(req.headers["X-Amz-Date"])
            print(req.headers["Authorization"])
            """
            let process = Process()
            process.executableURL = URL(fileURLWithPath: python)
            process.arguments = ["-c", script, method, url.string, payload.map { String(decoding: $0, as: UTF8.self) } ?? "-"]
            let out = Pipe()
            process.standardOutput = out
            try process.run()
            let lines = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n").map(String.init)
            process.waitUntilExit()
            XCTAssertEqual(lines.count, 2)
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
            let date = try XCTUnwrap(formatter.date(from: lines[0]))
            signer.now = { date }
            var headers: [(String, String)] = [("Host", url.hostHeader)]
            try signer.sign(method: method, url: url, headers: &headers, body: payload)
            let ours = headers.first { $0.0 == "Authorization" }!.1
            let text = lines[1]
            XCTAssertEqual(ours, text, "\(method) \(url.string)\nours: \(ours)\nbotocore: \(text)")
        }
    }

    func testCredentialsFromTheEnvironmentAndTheSharedFile() throws {
        let env = ["AWS_ACCESS_KEY_ID": "id", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "tok"]
        XCTAssertEqual(try S3Credentials.fromEnvironment(env), S3Credentials(accessKeyID: "id", secretAccessKey: "secret", sessionToken: "tok"))
        XCTAssertThrowsError(try S3Credentials.fromEnvironment(["AWS_ACCESS_KEY_ID": "id"]))
        let dir = NSTemporaryDirectory() + "aws-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/.aws", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
        [default]
        aws_access_key_id = defid
        aws_secret_access_key = defsecret
        # a comment
        [profile other]
        aws_access_key_id=otherid
        aws_secret_access_key=othersecret
        aws_session_token = othertoken
        """.write(toFile: dir + "/.aws/credentials", atomically: true, encoding: .utf8)
        XCTAssertEqual(try S3Credentials.fromEnvironment(["HOME": dir]), S3Credentials(accessKeyID: "defid", secretAccessKey: "defsecret"))
        XCTAssertEqual(try S3Credentials.fromEnvironment(["HOME": dir, "AWS_PROFILE": "other"]), S3Credentials(accessKeyID: "otherid", secretAccessKey: "othersecret", sessionToken: "othertoken"))
        XCTAssertThrowsError(try S3Credentials.fromEnvironment(["HOME": dir, "AWS_PROFILE": "absent"]))
        XCTAssertNil(try S3Credentials.fromEnvironment(["HOME": dir + "/nowhere"]), "no credentials: anonymous")
        let options = try S3Options.fromEnvironment(["HOME": dir, "AWS_REGION": "ap-south-1", "AWS_ENDPOINT_URL": "http://127.0.0.1:1"])
        XCTAssertEqual(options.region, "ap-south-1")
        XCTAssertEqual(options.endpoint, "http://127.0.0.1:1")
        XCTAssertEqual(options.credentials?.accessKeyID, "defid")
        XCTAssertNil(try S3Options.fromEnvironment(["HOME": dir], noSignRequest: true).credentials)
        XCTAssertEqual(try S3Options.fromEnvironment(["AWS_DEFAULT_REGION": "eu-north-1", "AWS_ENDPOINT_URL": "http://x"], endpointURL: "http://y").endpoint, "http://y")
        XCTAssertEqual(try S3Options.fromEnvironment(["AWS_DEFAULT_REGION": "eu-north-1"]).region, "eu-north-1")
    }

    func testAddressing() throws {
        let aws = try S3Store(bucket: "my-bucket", prefix: "data/x.zarr", options: S3Options(region: "eu-west-1"))
        XCTAssertEqual(aws.objectURL("c/0").string, "https://my-bucket.s3.eu-west-1.amazonaws.com/data/x.zarr/c/0")
        let dotted = try S3Store(bucket: "my.bucket", options: S3Options(region: "eu-west-1"))
        XCTAssertEqual(dotted.objectURL("k").string, "https://s3.eu-west-1.amazonaws.com/my.bucket/k", "not DNS-compatible: path-style")
        let custom = try S3Store(bucket: "b", prefix: "p/", options: S3Options(endpoint: "http://127.0.0.1:9000"))
        XCTAssertEqual(custom.objectURL("a b").string, "http://127.0.0.1:9000/b/p/a%20b")
        let forced = try S3Store(bucket: "b", options: S3Options(endpoint: "http://minio.local:9000", addressing: .virtualHost))
        XCTAssertEqual(forced.objectURL("k").string, "http://b.minio.local:9000/k")
    }

    /// A store under a prefix sees only its keys; listings take several pages.
    func testPrefixAndPagination() async throws {
        let counters = RemoteCounters()
        let store = try await S3Fixture.store(addressing: .path, prefix: "deep/root.zarr", pageSize: 2, counters: counters)
        let bucketRoot = try S3Store(bucket: store.bucket, options: store.options)
        try await bucketRoot.set("deep/outside", [1])
        try await bucketRoot.set("deep/root.zarrish", [2])
        try await StoreConformance.checkAll(store)
        let everything = try await bucketRoot.list(prefix: "")
        XCTAssertTrue(everything.contains("deep/root.zarr/g/c/0/0"))
        let deep = try await bucketRoot.listDir("deep/")
        XCTAssertEqual(deep.keys, ["outside", "root.zarrish"])
        XCTAssertGreaterThan(counters.snapshot.requests, 60)
    }

    func testAnonymousReadsAndErrors() async throws {
        let signed = try await S3Fixture.store(addressing: .path)
        var publicOptions = signed.options
        publicOptions.http.headers = ["x-amz-acl": "public-read"]
        try await S3Store(bucket: signed.bucket, options: publicOptions).set("public", [1, 2, 3])
        try await signed.set("private", [4])
        var options = signed.options
        options.credentials = nil
        let anonymous = try S3Store(bucket: signed.bucket, options: options)
        let value = try await anonymous.get("public")
        XCTAssertEqual(value, [1, 2, 3], "a public object reads without signing")
        await StoreConformance.expectError("private object, anonymous", { try await anonymous.get("private") }) {
            let e = $0 as? RemoteStoreError
            XCTAssertEqual(e?.code, .forbidden, "\($0)")
            XCTAssertEqual(e?.key, "private")
        }
        options.http.forbiddenIsMissing = true
        let lenient = try S3Store(bucket: signed.bucket, options: options)
        let missing = try await lenient.get("private")
        XCTAssertNil(missing, "403 read as missing when asked (S3 without list permission)")
        // A bucket that does not exist: an error naming the status, not an empty listing.
        let absent = try S3Store(bucket: "no-such-bucket-\(UUID().uuidString.prefix(8).lowercased())", options: signed.options)
        await StoreConformance.expectError("missing bucket", { try await absent.list(prefix: "") }) {
            XCTAssertEqual(($0 as? RemoteStoreError)?.status, 404, "\($0)")
        }
    }

    /// One fixture family uploaded with 32 requests in flight and read back byte for byte.
    func testFixtureFamilyRoundTrip() async throws {
        let store = try await S3Fixture.store(addressing: .path, prefix: "fixtures")
        let directory = AsyncStoreAdapter(FilesystemStore(root: TestServers.repoRoot + "/Vectors/fixtures/v3/zarrs-python-0.2.3"))
        let keys = try await directory.list(prefix: "")
        XCTAssertGreaterThan(keys.count, 50)
        let values = try await directory.getMany(keys.map { StoreRequest($0) })
        let start = Date()
        _ = try await AsyncStores.map(Array(zip(keys, values)), concurrency: 32) { key, value in try await store.set(key, value!) }
        let uploaded = Date()
        let listed = try await store.list(prefix: "")
        XCTAssertEqual(listed, keys)
        let back = try await store.getMany(keys.map { StoreRequest($0) })
        XCTAssertEqual(back, values)
        print("S3 (moto): \(keys.count) keys up in \(String(format: "%.2f", uploaded.timeIntervalSince(start))) s, listed and read back in \(String(format: "%.2f", Date().timeIntervalSince(uploaded))) s")
    }
}
