import ZarrCore

/// A request to a remote store that failed: never a missing value (ST-10). Carries a typed
/// `code` to switch on, the key, the HTTP status when there was one, the method and URL, and how
/// many attempts were made. Out-of-range requests and values over their limit are `ZarrError`s,
/// as they are for local stores.
public struct RemoteStoreError: Error, CustomStringConvertible, Sendable, Equatable, ZarrErrorConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Hashable, Sendable {
            case httpStatus = "http-status", forbidden, truncated, invalidResponse = "invalid-response"
            case connection, timeout, credentials, unsupported
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// A status that means neither a value nor its absence (after retries for 429 and 5xx).
        public static let httpStatus = Code(.httpStatus)
        /// 403, unless the store treats it as missing.
        public static let forbidden = Code(.forbidden)
        /// The body ended before the length the response announced.
        public static let truncated = Code(.truncated)
        /// A response that contradicts the request (a `Content-Range` that is not the range asked for, say).
        public static let invalidResponse = Code(.invalidResponse)
        /// The connection failed or was reset (after retries).
        public static let connection = Code(.connection)
        /// No answer in time (after retries).
        public static let timeout = Code(.timeout)
        /// Credentials that cannot be read or used.
        public static let credentials = Code(.credentials)
        /// Something this store cannot do (a zip on a remote store, a listing over HTTP).
        public static let unsupported = Code(.unsupported)

        public var description: String { value.rawValue }
    }

    public let code: Code
    public let key: String
    public let status: Int?
    public let method: String?
    public let url: String?
    public let attempts: Int
    public let detail: String

    public init(_ code: Code, key: String, status: Int? = nil, method: String? = nil, url: String? = nil, attempts: Int = 1, detail: String) {
        self.code = code
        self.key = key
        self.status = status
        self.method = method
        self.url = url
        self.attempts = attempts
        self.detail = detail
    }

    /// Whether another attempt may succeed: 429 and 5xx, resets, truncations and timeouts.
    var isRetryable: Bool {
        switch code {
        case .httpStatus: return status.map { $0 == 429 || (500...599).contains($0) } ?? false
        case .truncated, .connection, .timeout: return true
        default: return false
        }
    }

    func after(attempts: Int) -> RemoteStoreError {
        RemoteStoreError(code, key: key, status: status, method: method, url: url, attempts: attempts, detail: detail)
    }

    var message: String {
        var text = ""
        if let status { text += "HTTP \(status)" }
        if let method, let url { text += (text.isEmpty ? "" : " from ") + "\(method) \(url)" }
        if attempts > 1 { text += " after \(attempts) attempts" }
        return text.isEmpty ? detail : "\(text): \(detail)"
    }

    public var description: String { "key '\(key)': \(code): \(message)" }

    public var zarrError: ZarrError {
        ZarrError(code == .unsupported ? .unsupported : .storage, "\(code): \(message)", key: key)
    }
}
