import Foundation
import NIOHTTP1
import ZarrCore

/// How an S3 request names its bucket.
public enum S3Addressing: String, Sendable {
    /// `https://endpoint/bucket/key`.
    case path
    /// `https://bucket.endpoint/key`.
    case virtualHost
}

public struct S3Options: Sendable {
    /// `https://s3.REGION.amazonaws.com` when nil, or any S3-compatible server (`http://127.0.0.1:PORT`).
    public var endpoint: String?
    public var region: String
    /// nil: virtual-host on AWS's endpoint for DNS-compatible bucket names, path-style elsewhere.
    public var addressing: S3Addressing?
    /// nil: requests are not signed (public buckets, `--no-sign-request`).
    public var credentials: S3Credentials?
    public var http: HTTPOptions
    /// Keys per ListObjectsV2 page (1000 is S3's own maximum).
    public var listPageSize: Int

    public init(
        endpoint: String? = nil, region: String = "us-east-1", addressing: S3Addressing? = nil, credentials: S3Credentials? = nil,
        http: HTTPOptions = HTTPOptions(), listPageSize: Int = 1000
    ) {
        self.endpoint = endpoint
        self.region = region
        self.addressing = addressing
        self.credentials = credentials
        self.http = http
        self.listPageSize = listPageSize
    }

    /// Endpoint from `endpointURL`, else `AWS_ENDPOINT_URL_S3` or `AWS_ENDPOINT_URL`; region from
    /// `AWS_REGION` or `AWS_DEFAULT_REGION` (default us-east-1); credentials from the standard
    /// variables or the shared credentials file, none when `noSignRequest` or when none exist.
    public static func fromEnvironment(
        _ env: [String: String] = ProcessInfo.processInfo.environment, endpointURL: String? = nil, noSignRequest: Bool = false,
        http: HTTPOptions = HTTPOptions()
    ) throws -> S3Options {
        let endpoint = endpointURL ?? env["AWS_ENDPOINT_URL_S3"] ?? env["AWS_ENDPOINT_URL"]
        let region = env["AWS_REGION"] ?? env["AWS_DEFAULT_REGION"] ?? "us-east-1"
        let credentials = noSignRequest ? nil : try S3Credentials.fromEnvironment(env)
        return S3Options(endpoint: endpoint.flatMap { $0.isEmpty ? nil : $0 }, region: region.isEmpty ? "us-east-1" : region, credentials: credentials, http: http)
    }
}

/// An S3 bucket (or a prefix in it) as a store: GET with ranges, HEAD, PUT, DELETE and
/// ListObjectsV2 with pagination, signed with SigV4 unless anonymous. Keys are relative to
/// `prefix`. Listing leaves out keys no store could read (`a//b`, `../x`): such objects exist
/// in S3 but never in a Zarr hierarchy.
public final class S3Store: HTTPObjectStore, ObjectListing, AsyncWritableStore {
    public let bucket: String
    /// "" or ending with "/".
    public let prefix: String
    public let options: S3Options
    public let counters: RemoteCounters
    let bucketURL: RemoteURL
    let transport: HTTPTransport

    public init(bucket: String, prefix: String = "", options: S3Options = S3Options(), counters: RemoteCounters = RemoteCounters()) throws {
        self.prefix = try objectPrefix(bucket: bucket, prefix: prefix)
        self.bucket = bucket
        self.options = options
        self.counters = counters
        let endpointText = options.endpoint ?? "https://s3.\(options.region).amazonaws.com"
        guard var endpoint = RemoteURL.parse(endpointText) else { throw ZarrError(.invalidArgument, "not an http(s) endpoint: \(endpointText)") }
        if endpoint.path == "/" { endpoint.path = "" }
        let dnsCompatible = bucket.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "-" } && bucket.count >= 3
        let addressing = options.addressing ?? (options.endpoint == nil && dnsCompatible ? .virtualHost : .path)
        switch addressing {
        case .path: endpoint.path += "/" + Percent.encode(bucket, keepSlash: false)
        case .virtualHost: endpoint.host = bucket + "." + endpoint.host
        }
        bucketURL = endpoint
        let signer = options.credentials.map { SigV4(credentials: $0, region: options.region) }
        transport = HTTPTransport(options: options.http, counters: counters, signer: signer)
    }

    func objectURL(_ key: String) -> RemoteURL {
        var url = bucketURL
        url.path += "/" + Percent.encode(prefix + key, keepSlash: true)
        return url
    }


    public func set(_ key: String, _ value: [UInt8]) async throws {
        try StoreRules.validateKey(key)
        try await transport.run(key: key, method: .PUT, url: objectURL(key), headers: [("Content-Length", "\(value.count)")], body: value) { response, context in
            let status = Int(response.status.code)
            guard (200...299).contains(status) else { throw Self.failure(status, context) }
        }
    }

    public func erase(_ key: String) async throws {
        try StoreRules.validateKey(key)
        try await transport.run(key: key, method: .DELETE, url: objectURL(key)) { response, context in
            let status = Int(response.status.code)
            guard (200...299).contains(status) || status == 404 else { throw Self.failure(status, context) }
        }
    }

    static func failure(_ status: Int, _ context: HTTPTransport.Context) -> RemoteStoreError {
        context.error(status == 403 ? .forbidden : .httpStatus, status: status, HTTPResponseStatus(statusCode: status).reasonPhrase)
    }

    /// Every page of ListObjectsV2 under `prefix + listPrefix`; keys and common prefixes relative
    /// to the store's prefix.
    func listObjects(_ listPrefix: String, delimiter: Bool) async throws -> (keys: [String], prefixes: [String]) {
        var keys: [String] = [], prefixes: [String] = []
        var token: String?
        repeat {
            var url = bucketURL
            if url.path.isEmpty { url.path = "/" }
            url.query = [("list-type", "2"), ("prefix", prefix + listPrefix), ("max-keys", "\(options.listPageSize)")]
            if delimiter { url.query.append(("delimiter", "/")) }
            if let token { url.query.append(("continuation-token", token)) }
            let page = try await transport.run(key: listPrefix, method: .GET, url: url) { response, context in
                let status = Int(response.status.code)
                guard status == 200 else { throw Self.failure(status, context) }
                let body = try await transport.collect(response.body, expected: nil, limit: 64 << 20, context)
                return try ListBucketResult(body, context)
            }
            for key in page.keys where key.hasPrefix(prefix) {
                let relative = String(key.dropFirst(prefix.count))
                if (try? StoreRules.validateKey(relative)) != nil { keys.append(relative) }
            }
            prefixes += page.prefixes.filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
            token = page.isTruncated ? page.nextToken : nil
            if page.isTruncated, token == nil { throw RemoteStoreError(.invalidResponse, key: listPrefix, detail: "a truncated listing without a continuation token") }
        } while token != nil
        return (keys.sorted(), prefixes.sorted())
    }
}

/// The parts of a ListObjectsV2 answer used here, read without an XML library: the elements
/// are flat and their text is XML-escaped.
struct ListBucketResult: Sendable {
    var keys: [String] = []
    var prefixes: [String] = []
    var isTruncated = false
    var nextToken: String?

    init(_ body: [UInt8], _ context: HTTPTransport.Context) throws {
        let text = String(decoding: body, as: UTF8.self)
        guard text.contains("<ListBucketResult") else { throw context.error(.invalidResponse, status: 200, "not a ListBucketResult document") }
        for contents in Self.elements("Contents", in: text) {
            guard let key = Self.elements("Key", in: contents).first else { continue }
            keys.append(Self.unescape(key))
        }
        for common in Self.elements("CommonPrefixes", in: text) {
            if let p = Self.elements("Prefix", in: common).first { prefixes.append(Self.unescape(p)) }
        }
        isTruncated = Self.elements("IsTruncated", in: text).first == "true"
        nextToken = Self.elements("NextContinuationToken", in: text).first.map(Self.unescape)
    }

    static func elements(_ name: String, in text: String) -> [String] {
        var out: [String] = []
        var rest = text[...]
        let open = "<\(name)>", close = "</\(name)>"
        while let start = rest.range(of: open), let end = rest.range(of: close, range: start.upperBound..<rest.endIndex) {
            out.append(String(rest[start.upperBound..<end.lowerBound]))
            rest = rest[end.upperBound...]
        }
        return out
    }

    static func unescape(_ s: String) -> String {
        guard s.contains("&") else { return s }
        var out = ""
        var i = s.startIndex
        while i < s.endIndex {
            if s[i] == "&", let semi = s[i...].firstIndex(of: ";") {
                let entity = s[s.index(after: i)..<semi]
                var scalar: UnicodeScalar?
                switch entity {
                case "amp": scalar = "&"
                case "lt": scalar = "<"
                case "gt": scalar = ">"
                case "quot": scalar = "\""
                case "apos": scalar = "'"
                default:
                    if entity.hasPrefix("#x") { scalar = UInt32(entity.dropFirst(2), radix: 16).flatMap(UnicodeScalar.init) } else if entity.hasPrefix("#") { scalar = UInt32(entity.dropFirst()).flatMap(UnicodeScalar.init) }
                }
                if let scalar {
                    out.unicodeScalars.append(scalar)
                    i = s.index(after: semi)
                    continue
                }
            }
            out.append(s[i])
            i = s.index(after: i)
        }
        return out
    }
}

extension S3Store {
    /// Creates the bucket (a PUT on it): not a store operation, for test and harness servers.
    public func createBucket() async throws {
        var url = bucketURL
        if url.path.isEmpty { url.path = "/" }
        try await transport.run(key: bucket, method: .PUT, url: url, headers: [("Content-Length", "0")], body: []) { response, context in
            guard response.status.code == 200 else { throw S3Store.failure(Int(response.status.code), context) }
        }
    }
}
