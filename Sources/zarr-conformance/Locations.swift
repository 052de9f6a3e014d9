import ArgumentParser
import Foundation
import ZarrCore
import ZarrRemote

/// Where a store lives, for every command that reads one: a directory, a `.zip` file (with an
/// optional node path after it), `file://`, `http(s)://`, `s3://` or `gs://` (see `Location`).
struct StoreOptions: ParsableArguments {
    @Option(help: "Requests in flight at once to a remote store.") var concurrency = AsyncStores.defaultConcurrency
    @Option(help: "Retries of a request that failed with 429, a 5xx, a reset or a timeout, with exponential backoff.") var retries = 4
    @Option(name: .customLong("endpoint-url"), help: "The S3 endpoint (default: AWS_ENDPOINT_URL, else AWS).") var endpointURL: String?
    @Flag(name: .customLong("no-sign-request"), help: "Read S3 anonymously, even when credentials exist.") var noSignRequest = false
    @Flag(name: .customLong("forbidden-is-missing"),
          help: "Read HTTP 403 as a missing key (S3 and GCS answer 403 for absent keys to readers without list permission); by default it is an error.")
    var forbiddenIsMissing = false

    var counters: RemoteCounters { Self.counters }
    private static let counters = RemoteCounters()

    /// The store that `text` names, rooted there.
    func open(_ text: String) throws -> any ReadableStore {
        var http = HTTPOptions()
        http.retry = RetryPolicy(maxRetries: retries)
        http.forbiddenIsMissing = forbiddenIsMissing
        let options = LocationOptions(s3EndpointURL: endpointURL, noSignRequest: noSignRequest, http: http, counters: counters)
        let location = try Location.parse(text, options: options)
        if location.kind == .directory, !FileManager.default.fileExists(atPath: text.hasPrefix("file://") ? String(text.dropFirst(7)) : text) {
            throw ZarrError(.notFound, "no such file or directory", key: text)
        }
        return try location.synchronous(concurrency: concurrency)
    }

    /// One line on stderr after a remote read: how many requests, retries and bytes it took.
    func reportTraffic(_ kind: Location.Kind) {
        guard [.http, .s3, .gcs].contains(kind) else { return }
        FileHandle.standardError.write(Data("remote: \(counters.snapshot)\n".utf8))
    }
}

/// Runs the synchronous pipeline on a thread of its own, never on a thread of Swift's
/// cooperative pool: its remote reads wait there for requests running on the pool.
func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

extension Location {
    /// The kind a location string names, without opening it.
    static func kind(of text: String) -> Kind {
        for (scheme, kind) in [("http://", Kind.http), ("https://", .http), ("s3://", .s3), ("gs://", .gcs), ("gcs://", .gcs)] where text.lowercased().hasPrefix(scheme) {
            return kind
        }
        return text.lowercased().contains(".zip") ? .zip : .directory
    }
}
