import Foundation
import ZarrCore

/// How a location string is opened.
public struct LocationOptions: Sendable {
    /// Where AWS_* variables are read (the process environment by default).
    public var environment: [String: String]
    /// `--endpoint-url` (overrides AWS_ENDPOINT_URL).
    public var s3EndpointURL: String?
    /// `--no-sign-request`: anonymous S3 even when credentials exist.
    public var noSignRequest: Bool
    public var s3Addressing: S3Addressing?
    /// The GCS endpoint (a local stand-in in tests).
    public var gcsEndpoint: String
    /// Retries, timeouts and 403-as-missing for HTTP, S3 and GCS.
    public var http: HTTPOptions
    /// Open zip files for writing (created when absent) rather than read-only.
    public var writable: Bool
    /// How written zip entries are compressed.
    public var zipCompression: ZipStore.Compression
    /// Counts the requests of the remote store opened.
    public var counters: RemoteCounters

    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment, s3EndpointURL: String? = nil, noSignRequest: Bool = false,
        s3Addressing: S3Addressing? = nil, gcsEndpoint: String = GCSStore.defaultEndpoint, http: HTTPOptions = HTTPOptions(),
        writable: Bool = false, zipCompression: ZipStore.Compression = .stored, counters: RemoteCounters = RemoteCounters()
    ) {
        self.environment = environment
        self.s3EndpointURL = s3EndpointURL
        self.noSignRequest = noSignRequest
        self.s3Addressing = s3Addressing
        self.gcsEndpoint = gcsEndpoint
        self.http = http
        self.writable = writable
        self.zipCompression = zipCompression
        self.counters = counters
    }
}

/// Where a store lives, parsed from what a user types: a directory path, a `.zip` file path
/// (optionally followed by a node path inside it: `data.zip/group/array`), `file://PATH`,
/// `http(s)://host/prefix`, `s3://bucket/prefix`, `gs://bucket/prefix`.
///
/// `store` is rooted at the location itself (a directory, an HTTP base URL, a bucket prefix),
/// as a local node directory is opened today; `path` is the node inside it, "" except after a
/// `.zip` file. Remote stores count their requests in `options.counters`.
public struct Location: Sendable {
    public enum Kind: String, Sendable {
        case directory, zip, http, s3, gcs
    }

    public let kind: Kind
    public let store: any AsyncReadableStore
    /// The node path inside `store` ("" for its root; no leading or trailing "/").
    public let path: String
    /// The string parsed.
    public let text: String

    public var listable: (any AsyncListableStore)? { store as? any AsyncListableStore }
    public var writable: (any AsyncWritableStore)? { store as? any AsyncWritableStore }

    /// The store for the synchronous pipeline, rooted at the location itself (a node inside a
    /// zip file reads as a store of its own, as a node directory does): a local directory or zip
    /// file as itself, a remote store through a `BlockingStore` (from threads outside Swift's
    /// cooperative pool), which fetches up to `concurrency` values at once when the pipeline prefetches.
    public func synchronous(concurrency: Int = AsyncStores.defaultConcurrency) throws -> any ReadableStore {
        let base: any ReadableStore
        if let local = store as? AsyncStoreAdapter<FilesystemStore> { base = local.base }
        else if let zip = store as? AsyncStoreAdapter<ZipStore> { base = zip.base }
        else { base = blocking(concurrency: concurrency) }
        return path.isEmpty ? base : try PrefixedStore(base, prefix: path)
    }

    /// The store for today's synchronous pipeline (from threads outside Swift's cooperative pool).
    public func blocking(concurrency: Int = AsyncStores.defaultConcurrency) -> BlockingStore {
        BlockingStore(store, concurrency: concurrency)
    }

    public init(kind: Kind, store: any AsyncReadableStore, path: String, text: String) {
        self.kind = kind
        self.store = store
        self.path = path
        self.text = text
    }

    public static func parse(_ text: String, options: LocationOptions = LocationOptions()) throws -> Location {
        guard let colon = text.range(of: "://") else { return try local(text, text: text, options: options) }
        let scheme = text[..<colon.lowerBound].lowercased()
        let rest = String(text[colon.upperBound...])
        switch scheme {
        case "file":
            guard rest.hasPrefix("/") else { throw ZarrError(.invalidArgument, "a file:// location needs an absolute path: \(text)") }
            return try local(rest.removingPercentEncoding ?? rest, text: text, options: options)
        case "http", "https":
            if rest.split(separator: "/").contains(where: { $0.lowercased().hasSuffix(".zip") }) {
                throw RemoteStoreError(.unsupported, key: "", detail: "a zip file on an HTTP server is not read yet (download it first): \(text)")
            }
            return Location(kind: .http, store: try HTTPStore(url: text, options: options.http, counters: options.counters), path: "", text: text)
        case "s3":
            let (bucket, prefix) = try bucketAndPrefix(rest, text: text)
            var s3 = try S3Options.fromEnvironment(options.environment, endpointURL: options.s3EndpointURL, noSignRequest: options.noSignRequest, http: options.http)
            s3.addressing = options.s3Addressing
            return Location(kind: .s3, store: try S3Store(bucket: bucket, prefix: prefix, options: s3, counters: options.counters), path: "", text: text)
        case "gs", "gcs":
            let (bucket, prefix) = try bucketAndPrefix(rest, text: text)
            let store = try GCSStore(bucket: bucket, prefix: prefix, endpoint: options.gcsEndpoint, options: options.http, counters: options.counters)
            return Location(kind: .gcs, store: store, path: "", text: text)
        default:
            throw ZarrError(.invalidArgument, "unknown location scheme '\(scheme)' (directory, .zip, file://, http(s)://, s3://, gs://): \(text)")
        }
    }

    static func bucketAndPrefix(_ rest: String, text: String) throws -> (String, String) {
        let parts = rest.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let bucket = parts.first, !bucket.isEmpty else { throw ZarrError(.invalidArgument, "no bucket in \(text)") }
        var prefix = parts.count > 1 ? String(parts[1]) : ""
        while prefix.hasSuffix("/") { prefix.removeLast() }
        return (String(bucket), prefix)
    }

    /// A directory, or a zip file with an optional node path after it.
    static func local(_ path: String, text: String, options: LocationOptions) throws -> Location {
        var trimmed = path
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed.removeLast() }
        // The first segment that is a zip file (or, for writing, ends in .zip and does not exist).
        let segments = trimmed.split(separator: "/", omittingEmptySubsequences: false)
        for i in segments.indices where segments[i].lowercased().hasSuffix(".zip") {
            let zipPath = segments[...i].joined(separator: "/")
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: zipPath, isDirectory: &isDirectory)
            guard (exists && !isDirectory.boolValue) || (!exists && options.writable && i == segments.count - 1) else { continue }
            let inner = segments[(i + 1)...].filter { !$0.isEmpty }.joined(separator: "/")
            if !inner.isEmpty { try StoreRules.validateKey(inner) }
            let zip = try ZipStore(path: zipPath, mode: options.writable ? .write : .read, compression: options.zipCompression)
            return Location(kind: .zip, store: AsyncStoreAdapter(zip), path: inner, text: text)
        }
        return Location(kind: .directory, store: AsyncStoreAdapter(FilesystemStore(root: trimmed)), path: "", text: text)
    }
}
