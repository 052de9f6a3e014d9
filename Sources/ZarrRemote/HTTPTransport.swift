import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization
import ZarrCore

/// Sends requests with retries and reads responses within limits. Shared by HTTP, S3 and GCS.
final class HTTPTransport: Sendable {
    let client: HTTPClient
    let options: HTTPOptions
    let counters: RemoteCounters
    let signer: (any RequestSigner)?
    /// Set once a server refused a suffix range: later suffix reads ask for the size first.
    let suffixRefused = Atomic<Bool>(false)

    init(options: HTTPOptions, counters: RemoteCounters, signer: (any RequestSigner)? = nil) {
        self.client = SharedClients.client(for: options)
        self.options = options
        self.counters = counters
        self.signer = signer
    }

    struct Context: Sendable {
        var key: String
        var method: String
        var url: String

        func error(_ code: RemoteStoreError.Code, status: Int? = nil, _ detail: String) -> RemoteStoreError {
            RemoteStoreError(code, key: key, status: status, method: method, url: url, detail: detail)
        }
    }

    /// One logical request: attempts until `handle` returns, a failure is not retryable, or the
    /// retries are used up. `handle` reads the response; errors it throws that are not store
    /// errors (a reset while the body streams) are classified here.
    func run<T: Sendable>(
        key: String, method: HTTPMethod, url: RemoteURL, headers extra: [(String, String)] = [], body: [UInt8]? = nil,
        handle: (HTTPClientResponse, Context) async throws -> T
    ) async throws -> T {
        let context = Context(key: key, method: method.rawValue, url: url.string)
        var attempt = 0
        while true {
            attempt += 1
            counters.add(requests: 1)
            do {
                var headers: [(String, String)] = [("Host", url.hostHeader)] + options.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } + extra
                try signer?.sign(method: method.rawValue, url: url, headers: &headers, body: body)
                var request = HTTPClientRequest(url: url.string)
                request.method = method
                for (name, value) in headers { request.headers.add(name: name, value: value) }
                if let body { request.body = .bytes(body) }
                do {
                    let response = try await client.execute(request, timeout: .nanoseconds(options.timeout.nanoseconds))
                    return try await handle(response, context)
                } catch let e as RemoteStoreError { throw e } catch let e as ZarrError { throw e } catch is CancellationError {
                    throw CancellationError()
                } catch {
                    throw Self.classify(error, context)
                }
            } catch let e as RemoteStoreError where e.isRetryable && attempt <= options.retry.maxRetries {
                counters.add(retries: 1)
                try await Task.sleep(for: options.retry.delay(afterAttempt: attempt))
            } catch let e as RemoteStoreError {
                counters.add(failures: 1)
                throw e.after(attempts: attempt)
            } catch {
                counters.add(failures: 1)
                throw error
            }
        }
    }

    static func classify(_ error: any Error, _ context: Context) -> RemoteStoreError {
        if let e = error as? HTTPClientError {
            switch e {
            case .readTimeout, .connectTimeout, .deadlineExceeded, .writeTimeout, .getConnectionFromPoolTimeout:
                return context.error(.timeout, "\(e)")
            case .remoteConnectionClosed:
                return context.error(.connection, "the server closed the connection")
            default:
                return context.error(.connection, "\(e)")
            }
        }
        if let e = error as? HTTPParserError, e == .invalidEOFState {
            return context.error(.truncated, "the connection closed before the body ended")
        }
        return context.error(.connection, "\(error)")
    }

    /// nil when `status` means the value is missing, throws when it means a failure; returns
    /// false for a status the caller reads on.
    func isMissing(_ status: Int, _ context: Context) throws -> Bool {
        switch status {
        case 200...299 where status != 204: return false
        case 204, 404, 410: return true
        case 403:
            if options.forbiddenIsMissing { return true }
            throw context.error(.forbidden, status: 403, "access denied (pass the option that reads 403 as missing if the server answers 403 for missing keys)")
        default:
            throw context.error(.httpStatus, status: status, HTTPResponseStatus(statusCode: status).reasonPhrase)
        }
    }

    // MARK: Reading values

    enum Fetched: Sendable {
        case value([UInt8])
        case missing
        case suffixRefused
    }

    /// The value's bytes for `range`, with every check of the issue: Range headers including
    /// suffixes, a 200 to a range request sliced locally, a 206 checked against its
    /// `Content-Range`, a short body an error, never more than `limit` bytes allocated.
    func get(key: String, url: RemoteURL, range: ByteRange, limit: Int) async throws -> [UInt8]? {
        try StoreRules.validateKey(key)
        let want = try StoreRules.requestedLength(range, key: key)
        if let want { try StoreRules.checkLimit(want, limit: limit, key: key) }
        if want == 0 {
            guard let count = try await size(key: key, url: url) else { return nil }
            _ = try StoreRules.resolve(range, count: count, key: key)
            return []
        }
        if case .suffix(let n) = range, suffixRefused.load(ordering: .relaxed) {
            return try await suffixBySize(key: key, url: url, n: n, limit: limit)
        }
        switch try await fetch(key: key, url: url, range: range, limit: limit) {
        case .value(let bytes): return bytes
        case .missing: return nil
        case .suffixRefused:
            guard case .suffix(let n) = range else { return nil }
            suffixRefused.store(true, ordering: .relaxed)
            return try await suffixBySize(key: key, url: url, n: n, limit: limit)
        }
    }

    private func suffixBySize(key: String, url: RemoteURL, n: Int, limit: Int) async throws -> [UInt8]? {
        guard let count = try await size(key: key, url: url) else { return nil }
        let r = try StoreRules.resolve(.suffix(n), count: count, key: key)
        if r.isEmpty { return [] }
        switch try await fetch(key: key, url: url, range: .range(offset: r.lowerBound, length: r.count), limit: limit) {
        case .value(let bytes): return bytes
        case .missing, .suffixRefused: return nil
        }
    }

    private func fetch(key: String, url: RemoteURL, range: ByteRange, limit: Int) async throws -> Fetched {
        var headers: [(String, String)] = []
        switch range {
        case .all: break
        case .range(let offset, let length): headers.append(("Range", "bytes=\(offset)-\(offset + length - 1)"))
        case .suffix(let n): headers.append(("Range", "bytes=-\(n)"))
        }
        return try await run(key: key, method: .GET, url: url, headers: headers) { response, context in
            let status = Int(response.status.code)
            if status == 416 {
                if case .suffix = range { return .suffixRefused }
                throw ZarrError(.corruptData, "byte range \(range) is outside the value (HTTP 416)", key: key)
            }
            if try isMissing(status, context) { return .missing }
            let contentLength = response.headers.first(name: "Content-Length").flatMap { Int($0) }
            if status == 206 {
                return .value(try await readPartial(response, range: range, contentLength: contentLength, limit: limit, context))
            }
            guard status == 200 else { throw context.error(.httpStatus, status: status, "unexpected status for a read") }
            // A whole body: the value itself, or a range request the server ignored.
            switch range {
            case .all:
                if let contentLength { try StoreRules.checkLimit(contentLength, limit: limit, key: key) }
                return .value(try await collect(response.body, expected: contentLength, limit: limit, context))
            case .range(let offset, let length):
                if let contentLength { _ = try StoreRules.resolve(range, count: contentLength, key: key) }
                let (bytes, total) = try await window(response.body, from: offset, to: offset + length, context)
                if bytes.count < length {
                    if let contentLength, total < contentLength { throw context.error(.truncated, status: 200, "the body ended after \(total) of \(contentLength) bytes") }
                    _ = try StoreRules.resolve(range, count: total, key: key)
                }
                return .value(bytes)
            case .suffix(let n):
                if let contentLength {
                    let r = try StoreRules.resolve(range, count: contentLength, key: key)
                    let (bytes, total) = try await window(response.body, from: r.lowerBound, to: r.upperBound, context)
                    guard bytes.count == n else { throw context.error(.truncated, status: 200, "the body ended after \(total) of \(contentLength) bytes") }
                    return .value(bytes)
                }
                let (bytes, total) = try await tail(response.body, n: n, context)
                _ = try StoreRules.resolve(range, count: total, key: key)
                return .value(bytes)
            }
        }
    }

    /// A 206: its `Content-Range` must be the range asked for, its body that long.
    private func readPartial(_ response: HTTPClientResponse, range: ByteRange, contentLength: Int?, limit: Int, _ context: Context) async throws -> [UInt8] {
        let key = context.key
        guard let header = response.headers.first(name: "Content-Range"), let cr = ContentRange(header) else {
            throw context.error(.invalidResponse, status: 206, "a partial response without a valid Content-Range (\(response.headers.first(name: "Content-Range") ?? "none"))")
        }
        let count = cr.last - cr.first + 1
        switch range {
        case .all:
            throw context.error(.invalidResponse, status: 206, "a partial response (\(header)) to a request for the whole value")
        case .range(let offset, let length):
            guard cr.first == offset else { throw context.error(.invalidResponse, status: 206, "Content-Range \(header) does not start at the requested offset \(offset)") }
            if count < length {
                // The value ends inside the range: as for a local store, that is an error.
                _ = try StoreRules.resolve(range, count: cr.total ?? cr.last + 1, key: key)
                throw context.error(.invalidResponse, status: 206, "Content-Range \(header) is shorter than the \(length) bytes requested")
            }
            guard count == length else { throw context.error(.invalidResponse, status: 206, "Content-Range \(header) is not the \(length) bytes requested") }
        case .suffix(let n):
            if count < n {
                // RFC 9110: a suffix longer than the value gets the whole value.
                _ = try StoreRules.resolve(range, count: cr.total ?? count, key: key)
                throw context.error(.invalidResponse, status: 206, "Content-Range \(header) is shorter than the suffix of \(n) bytes")
            }
            guard count == n, cr.total.map({ cr.last == $0 - 1 }) ?? true else {
                throw context.error(.invalidResponse, status: 206, "Content-Range \(header) is not the last \(n) bytes")
            }
        }
        try StoreRules.checkLimit(count, limit: limit, key: key)
        if let contentLength, contentLength != count {
            throw context.error(.invalidResponse, status: 206, "Content-Length \(contentLength) disagrees with Content-Range \(header)")
        }
        return try await collect(response.body, expected: count, limit: count, context)
    }

    /// The whole body, at most `limit` bytes, exactly `expected` when known.
    func collect(_ body: HTTPClientResponse.Body, expected: Int?, limit: Int, _ context: Context) async throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(min(expected ?? 0, limit))
        for try await buffer in body {
            counters.add(bytes: buffer.readableBytes)
            guard out.count + buffer.readableBytes <= limit else {
                throw ZarrError(.corruptData, "the stored value has more than the \(limit) bytes it can hold here", key: context.key)
            }
            out.append(contentsOf: buffer.readableBytesView)
        }
        if let expected, out.count != expected {
            throw context.error(.truncated, "the body has \(out.count) of the \(expected) bytes announced")
        }
        return out
    }

    /// Bytes `lo..<hi` of a body; stops reading at `hi`. Returns them and how far the body went.
    private func window(_ body: HTTPClientResponse.Body, from lo: Int, to hi: Int, _ context: Context) async throws -> ([UInt8], Int) {
        var out: [UInt8] = []
        out.reserveCapacity(hi - lo)
        var position = 0
        for try await buffer in body {
            counters.add(bytes: buffer.readableBytes)
            let start = position, end = position + buffer.readableBytes
            position = end
            let a = max(start, lo), b = min(end, hi)
            if a < b { out.append(contentsOf: buffer.readableBytesView.dropFirst(a - start).prefix(b - a)) }
            if position >= hi { break }
        }
        return (out, position)
    }

    /// The last `n` bytes of a body of unknown length (at most 2n kept at once), and its length.
    private func tail(_ body: HTTPClientResponse.Body, n: Int, _ context: Context) async throws -> ([UInt8], Int) {
        var kept: [UInt8] = []
        var total = 0
        for try await buffer in body {
            counters.add(bytes: buffer.readableBytes)
            total += buffer.readableBytes
            kept.append(contentsOf: buffer.readableBytesView.suffix(n))
            if kept.count > 2 * n { kept.removeFirst(kept.count - n) }
        }
        return (Array(kept.suffix(n)), total)
    }

    // MARK: Sizes

    /// HEAD; when the answer has no `Content-Length`, a one-byte range read tells the size
    /// from its `Content-Range` (or a 416, which means an empty value).
    func size(key: String, url: RemoteURL) async throws -> Int? {
        try StoreRules.validateKey(key)
        let head: Int?? = try await run(key: key, method: .HEAD, url: url) { response, context in
            if try isMissing(Int(response.status.code), context) { return .some(nil) }
            if let n = response.headers.first(name: "Content-Length").flatMap({ Int($0) }) { return .some(n) }
            return nil
        }
        if let head { return head }
        return try await run(key: key, method: .GET, url: url, headers: [("Range", "bytes=0-0")]) { response, context in
            let status = Int(response.status.code)
            if status == 416 { return 0 }
            if try isMissing(status, context) { return nil }
            if status == 206, let cr = response.headers.first(name: "Content-Range").flatMap(ContentRange.init), let total = cr.total {
                return total
            }
            if status == 200, let n = response.headers.first(name: "Content-Length").flatMap({ Int($0) }) { return n }
            var total = 0
            for try await buffer in response.body {
                counters.add(bytes: buffer.readableBytes)
                total += buffer.readableBytes
            }
            if status == 206 { throw context.error(.invalidResponse, status: 206, "no total size in the Content-Range") }
            return total
        }
    }
}

/// `bytes FIRST-LAST/TOTAL` or `bytes FIRST-LAST/*`.
struct ContentRange: Equatable {
    var first: Int
    var last: Int
    var total: Int?

    init?(_ header: String) {
        let text = header.trimmingCharacters(in: .whitespaces)
        guard text.hasPrefix("bytes ") else { return nil }
        let parts = text.dropFirst(6).split(separator: "/", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        let bounds = parts[0].split(separator: "-", maxSplits: 1)
        guard bounds.count == 2, let first = Int(bounds[0]), let last = Int(bounds[1]), first >= 0, last >= first else { return nil }
        self.first = first
        self.last = last
        if parts[1] == "*" { total = nil } else {
            guard let total = Int(parts[1]), total > last else { return nil }
            self.total = total
        }
    }
}
