import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization
import ZarrCore

/// Retries with exponential backoff for 429, 5xx, resets, truncated bodies and timeouts.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts after the first.
    public var maxRetries: Int
    /// The wait before the first retry; each next one doubles, up to `maxDelay`, with jitter.
    public var baseDelay: Duration
    public var maxDelay: Duration

    public init(maxRetries: Int = 4, baseDelay: Duration = .milliseconds(50), maxDelay: Duration = .seconds(2)) {
        self.maxRetries = max(0, maxRetries)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    public static let none = RetryPolicy(maxRetries: 0)

    /// The wait after failed attempt `n` (1-based): base·2^(n−1), capped, times a jitter in [0.5, 1].
    public func delay(afterAttempt n: Int) -> Duration {
        let exponent = Double(min(max(n - 1, 0), 30))
        let base = Double(baseDelay.components.seconds) + Double(baseDelay.components.attoseconds) / 1e18
        let cap = Double(maxDelay.components.seconds) + Double(maxDelay.components.attoseconds) / 1e18
        let seconds = min(base * pow(2, exponent), cap) * Double.random(in: 0.5...1)
        return .nanoseconds(Int64(seconds * 1e9))
    }
}

/// What a remote store has sent and received, for reports and tests.
public struct RemoteCounts: Sendable, Equatable, CustomStringConvertible {
    /// HTTP requests sent, retries included.
    public var requests = 0
    /// Attempts repeated after a retryable failure.
    public var retries = 0
    /// Body bytes received.
    public var bytes = 0
    /// Logical requests that failed after their last attempt.
    public var failures = 0

    public init() {}

    public var description: String { "\(requests) requests, \(retries) retries, \(bytes) bytes, \(failures) failures" }
}

public final class RemoteCounters: Sendable {
    private let state = Mutex(RemoteCounts())

    public init() {}

    public var snapshot: RemoteCounts { state.withLock { $0 } }
    public func reset() { state.withLock { $0 = RemoteCounts() } }

    func add(requests: Int = 0, retries: Int = 0, bytes: Int = 0, failures: Int = 0) {
        state.withLock {
            $0.requests += requests
            $0.retries += retries
            $0.bytes += bytes
            $0.failures += failures
        }
    }
}

/// Options shared by the HTTP-based stores (HTTP, S3, GCS).
public struct HTTPOptions: Sendable {
    public var retry: RetryPolicy
    /// Read a 403 as a missing key (S3 and GCS answer 403 for missing keys without list
    /// permission). Off by default: a 403 is an error.
    public var forbiddenIsMissing: Bool
    /// Per attempt, from sending the request to the end of the body.
    public var timeout: Duration
    public var connectTimeout: Duration
    /// Connections kept per host; at least the concurrency a reader uses.
    public var maxConnectionsPerHost: Int
    /// Sent with every request.
    public var headers: [String: String]
    /// Host names resolved to other hosts (tests reach a virtual-host bucket on loopback this way).
    public var dnsOverride: [String: String]

    public init(
        retry: RetryPolicy = RetryPolicy(), forbiddenIsMissing: Bool = false, timeout: Duration = .seconds(60),
        connectTimeout: Duration = .seconds(10), maxConnectionsPerHost: Int = 64, headers: [String: String] = [:],
        dnsOverride: [String: String] = [:]
    ) {
        self.retry = retry
        self.forbiddenIsMissing = forbiddenIsMissing
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.maxConnectionsPerHost = maxConnectionsPerHost
        self.headers = headers
        self.dnsOverride = dnsOverride
    }
}
