import ZarrCore

/// A public Google Cloud Storage bucket (or a prefix in it), read anonymously: values through
/// `ENDPOINT/BUCKET/OBJECT` (ranges as for HTTP), listings through the JSON API
/// `ENDPOINT/storage/v1/b/BUCKET/o` with pagination. The endpoint is
/// `https://storage.googleapis.com` unless given (tests use a local stand-in).
public final class GCSStore: HTTPObjectStore, ObjectListing {
    public static let defaultEndpoint = "https://storage.googleapis.com"

    public let bucket: String
    /// "" or ending with "/".
    public let prefix: String
    public let counters: RemoteCounters
    let endpoint: RemoteURL
    let transport: HTTPTransport
    let pageSize: Int

    public init(
        bucket: String, prefix: String = "", endpoint: String = GCSStore.defaultEndpoint, options: HTTPOptions = HTTPOptions(),
        counters: RemoteCounters = RemoteCounters(), pageSize: Int = 1000
    ) throws {
        guard var url = RemoteURL.parse(endpoint) else { throw ZarrError(.invalidArgument, "not an http(s) endpoint: \(endpoint)") }
        if url.path == "/" { url.path = "" }
        self.prefix = try objectPrefix(bucket: bucket, prefix: prefix)
        self.bucket = bucket
        self.endpoint = url
        self.counters = counters
        self.pageSize = pageSize
        transport = HTTPTransport(options: options, counters: counters)
    }

    func objectURL(_ key: String) -> RemoteURL {
        var url = endpoint
        url.path += "/" + Percent.encode(bucket, keepSlash: false) + "/" + Percent.encode(prefix + key, keepSlash: true)
        return url
    }


    func listObjects(_ listPrefix: String, delimiter: Bool) async throws -> (keys: [String], prefixes: [String]) {
        var keys: [String] = [], prefixes: [String] = []
        var token: String?
        repeat {
            var url = endpoint
            url.path += "/storage/v1/b/" + Percent.encode(bucket, keepSlash: false) + "/o"
            url.query = [("prefix", prefix + listPrefix), ("maxResults", "\(pageSize)"), ("fields", "items(name,size),prefixes,nextPageToken")]
            if delimiter { url.query.append(("delimiter", "/")) }
            if let token { url.query.append(("pageToken", token)) }
            let page: JSON = try await transport.run(key: listPrefix, method: .GET, url: url) { response, context in
                let status = Int(response.status.code)
                guard status == 200 else { throw S3Store.failure(status, context) }
                let body = try await transport.collect(response.body, expected: nil, limit: 64 << 20, context)
                do { return try JSON.parse(body) } catch { throw context.error(.invalidResponse, status: 200, "the listing is not JSON: \(error)") }
            }
            for item in page["items"]?.arrayValue ?? [] {
                guard let name = item["name"]?.stringValue, name.hasPrefix(prefix) else { continue }
                let relative = String(name.dropFirst(prefix.count))
                if (try? StoreRules.validateKey(relative)) != nil { keys.append(relative) }
            }
            for p in page["prefixes"]?.arrayValue ?? [] {
                if let p = p.stringValue, p.hasPrefix(prefix) { prefixes.append(String(p.dropFirst(prefix.count))) }
            }
            token = page["nextPageToken"]?.stringValue
        } while token != nil
        return (keys.sorted(), prefixes.sorted())
    }
}
