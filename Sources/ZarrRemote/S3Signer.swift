import Crypto
import Foundation
import ZarrCore

/// AWS credentials: an access key, its secret and, for temporary credentials, a session token.
public struct S3Credentials: Sendable, Equatable {
    public var accessKeyID: String
    public var secretAccessKey: String
    public var sessionToken: String?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    /// From `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`/`AWS_SESSION_TOKEN`, else from the shared
    /// credentials file (`AWS_SHARED_CREDENTIALS_FILE` or `~/.aws/credentials`, profile
    /// `AWS_PROFILE` or `default`); nil when neither has any.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> S3Credentials? {
        if let id = env["AWS_ACCESS_KEY_ID"], !id.isEmpty {
            guard let secret = env["AWS_SECRET_ACCESS_KEY"], !secret.isEmpty else {
                throw RemoteStoreError(.credentials, key: "", detail: "AWS_ACCESS_KEY_ID is set without AWS_SECRET_ACCESS_KEY")
            }
            return S3Credentials(accessKeyID: id, secretAccessKey: secret, sessionToken: env["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 })
        }
        let home = env["HOME"] ?? NSHomeDirectory()
        let path = env["AWS_SHARED_CREDENTIALS_FILE"] ?? home + "/.aws/credentials"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let profile = env["AWS_PROFILE"] ?? "default"
        guard let section = parseINI(text)[profile] else {
            if env["AWS_PROFILE"] != nil { throw RemoteStoreError(.credentials, key: "", detail: "profile '\(profile)' is not in \(path)") }
            return nil
        }
        guard let id = section["aws_access_key_id"], let secret = section["aws_secret_access_key"] else {
            throw RemoteStoreError(.credentials, key: "", detail: "profile '\(profile)' in \(path) lacks aws_access_key_id or aws_secret_access_key")
        }
        return S3Credentials(accessKeyID: id, secretAccessKey: secret, sessionToken: section["aws_session_token"])
    }

    /// `[section]` and `name = value` lines; `#` and `;` start comments.
    static func parseINI(_ text: String) -> [String: [String: String]] {
        var out: [String: [String: String]] = [:]
        var current: String?
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("["), line.hasSuffix("]") {
                var name = String(line.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
                if name.hasPrefix("profile ") { name = String(name.dropFirst(8)).trimmingCharacters(in: .whitespaces) }
                current = name
                out[name, default: [:]] = out[name] ?? [:]
                continue
            }
            guard let current, let eq = line.firstIndex(of: "=") else { continue }
            let name = line[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            out[current]?[name] = value
        }
        return out
    }
}

/// AWS Signature Version 4 for S3, with swift-crypto (no AWS SDK here).
public struct SigV4: Sendable, RequestSigner {
    public var credentials: S3Credentials
    public var region: String
    public var service: String
    /// The clock; tests fix it to reproduce published signatures.
    var now: @Sendable () -> Date = { Date() }

    public init(credentials: S3Credentials, region: String, service: String = "s3") {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    static let emptyPayloadHash = hex(SHA256.hash(data: [UInt8]()))

    func sign(method: String, url: RemoteURL, headers: inout [(String, String)], body: [UInt8]?) throws {
        let payloadHash = body.map { Self.hex(SHA256.hash(data: $0)) } ?? Self.emptyPayloadHash
        headers.removeAll { ["authorization", "x-amz-date", "x-amz-content-sha256", "x-amz-security-token"].contains($0.0.lowercased()) }
        let authorization = authorization(method: method, path: url.path, query: url.query, host: url.hostHeader, headers: &headers, payloadHash: payloadHash, date: now())
        headers.append(("Authorization", authorization))
    }

    /// Adds `x-amz-date`, `x-amz-content-sha256` and the session token to `headers` and returns
    /// the `Authorization` value. Signed: `host`, `range`, `content-type`, `content-md5` and every
    /// `x-amz-*` header.
    public func authorization(
        method: String, path: String, query: [(String, String)], host: String, headers: inout [(String, String)], payloadHash: String, date: Date
    ) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let amzDate = formatter.string(from: date)
        let day = String(amzDate.prefix(8))
        headers.append(("x-amz-date", amzDate))
        headers.append(("x-amz-content-sha256", payloadHash))
        if let token = credentials.sessionToken { headers.append(("x-amz-security-token", token)) }

        var signed: [String: String] = ["host": host]
        for (name, value) in headers {
            let lower = name.lowercased()
            guard lower == "range" || lower == "content-type" || lower == "content-md5" || lower.hasPrefix("x-amz-") else { continue }
            let trimmed = value.trimmingCharacters(in: .whitespaces).split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            signed[lower] = signed[lower].map { $0 + "," + trimmed } ?? trimmed
        }
        let names = signed.keys.sorted()
        let canonicalHeaders = names.map { "\($0):\(signed[$0]!)\n" }.joined()
        let signedHeaders = names.joined(separator: ";")
        var encoded: [(name: String, value: String)] = []
        for (name, value) in query { encoded.append((Percent.encode(name, keepSlash: false), Percent.encode(value, keepSlash: false))) }
        encoded.sort { (a: (name: String, value: String), b: (name: String, value: String)) -> Bool in a.name == b.name ? a.value < b.value : a.name < b.name }
        let canonicalQuery: String = encoded.map { (pair: (name: String, value: String)) -> String in pair.name + "=" + pair.value }.joined(separator: "&")
        let canonicalRequest = [method, path.isEmpty ? "/" : path, canonicalQuery, canonicalHeaders, signedHeaders, payloadHash].joined(separator: "\n")
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, Self.hex(SHA256.hash(data: Array(canonicalRequest.utf8)))].joined(separator: "\n")
        var key = SymmetricKey(data: Array(("AWS4" + credentials.secretAccessKey).utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        let signature = Self.hex(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key))
        return "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"
    }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
