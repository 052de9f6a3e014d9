import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization
import ZarrCore

/// An absolute URL built from parts, so that signing sees exactly what is sent.
struct RemoteURL: Sendable {
    var scheme: String
    var host: String
    var port: Int?
    /// Percent-encoded, starting with "/".
    var path: String
    var query: [(String, String)] = []

    var hostHeader: String { port.map { "\(host):\($0)" } ?? host }

    var string: String {
        var s = "\(scheme)://\(hostHeader)\(path)"
        if !query.isEmpty { s += "?" + query.map { "\(Percent.encode($0.0, keepSlash: false))=\(Percent.encode($0.1, keepSlash: false))" }.joined(separator: "&") }
        return s
    }

    /// Parses `http(s)://host[:port][/path]`; the path is kept as given (already encoded).
    static func parse(_ text: String) -> RemoteURL? {
        guard let c = URLComponents(string: text), let scheme = c.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = c.host, !host.isEmpty else { return nil }
        return RemoteURL(scheme: scheme, host: host, port: c.port, path: c.percentEncodedPath.isEmpty ? "/" : c.percentEncodedPath)
    }

    func appending(key: String) -> RemoteURL {
        var copy = self
        copy.path = (path.hasSuffix("/") ? path : path + "/") + Percent.encode(key, keepSlash: true)
        return copy
    }
}

enum Percent {
    /// RFC 3986 unreserved characters are kept; everything else is %XX (SigV4's URI encoding).
    static func encode(_ text: String, keepSlash: Bool) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(UnicodeScalar(byte))
            case UInt8(ascii: "/") where keepSlash:
                out.append("/")
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }
}

/// Adds headers (a signature) to each attempt; called again on every retry.
protocol RequestSigner: Sendable {
    func sign(method: String, url: RemoteURL, headers: inout [(String, String)], body: [UInt8]?) throws
}

/// One client per connection configuration, for the life of the process (never shut down).
enum SharedClients {
    private struct Key: Hashable {
        var connectTimeout: Duration
        var maxConnections: Int
        var dnsOverride: [String: String]
    }

    private static let clients = Mutex<[Key: HTTPClient]>([:])

    static func client(for options: HTTPOptions) -> HTTPClient {
        let key = Key(connectTimeout: options.connectTimeout, maxConnections: options.maxConnectionsPerHost, dnsOverride: options.dnsOverride)
        return clients.withLock { clients in
            if let client = clients[key] { return client }
            var configuration = HTTPClient.Configuration()
            configuration.timeout = .init(connect: .nanoseconds(options.connectTimeout.nanoseconds), read: .seconds(60))
            configuration.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: options.maxConnectionsPerHost)
            configuration.dnsOverride = options.dnsOverride
            configuration.decompression = .disabled
            let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
            clients[key] = client
            return client
        }
    }
}

extension Duration {
    var nanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }
}
