import ZarrCore

/// A read-only store over HTTP(S): each key is a URL below `url`. GET with `Range` (suffix
/// ranges included, with a size-then-range fallback for servers that refuse them); 404, 410
/// and 204 mean missing; 403 is an error unless `options.forbiddenIsMissing`; 429, 5xx, resets,
/// truncated bodies and timeouts are retried with backoff (`options.retry`) and counted in
/// `counters`. HTTP has no listing: hierarchies are found through consolidated metadata and
/// explicit node paths.
public final class HTTPStore: HTTPObjectStore {
    public let url: String
    public let options: HTTPOptions
    public let counters: RemoteCounters
    let base: RemoteURL
    let transport: HTTPTransport

    public init(url: String, options: HTTPOptions = HTTPOptions(), counters: RemoteCounters = RemoteCounters()) throws {
        guard let base = RemoteURL.parse(url) else { throw ZarrError(.invalidArgument, "not an http(s) URL: \(url)") }
        self.url = url
        self.base = base
        self.options = options
        self.counters = counters
        self.transport = HTTPTransport(options: options, counters: counters)
    }

    func objectURL(_ key: String) -> RemoteURL { base.appending(key: key) }
}
