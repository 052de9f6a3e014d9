/// The one error type of the library. It names what failed (kind), where (key, codec, field)
/// and why (message), so a user can find the offending object in the store.
public struct ZarrError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// Metadata that is not valid JSON or breaks a rule of the spec.
        case invalidMetadata
        /// Valid but not supported here (an unknown codec id, pickle, ...).
        case unsupported
        /// Stored bytes that do not decode (bad checksum, wrong size, truncated stream).
        case corruptData
        /// The store could not be read or written.
        case storage
        /// No node at the path.
        case notFound
        /// A caller passed something invalid (selection out of bounds, wrong buffer size).
        case invalidArgument
    }

    public let kind: Kind
    public var message: String
    public var key: String?
    public var codec: String?
    public var field: String?

    public init(_ kind: Kind, _ message: String, key: String? = nil, codec: String? = nil, field: String? = nil) {
        self.kind = kind
        self.message = message
        self.key = key
        self.codec = codec
        self.field = field
    }

    public var description: String {
        var parts: [String] = []
        if let key { parts.append("key '\(key)'") }
        if let codec { parts.append("codec '\(codec)'") }
        if let field { parts.append("field '\(field)'") }
        let location = parts.isEmpty ? "" : parts.joined(separator: ", ") + ": "
        return "\(location)\(message)"
    }

    /// The same error with a key attached, unless it already names one.
    func at(key: String) -> ZarrError {
        var copy = self
        if copy.key == nil { copy.key = key }
        return copy
    }

    func inCodec(_ name: String) -> ZarrError {
        var copy = self
        if copy.codec == nil { copy.codec = name }
        return copy
    }

    static func metadata(_ message: String, field: String? = nil) -> ZarrError {
        ZarrError(.invalidMetadata, message, field: field)
    }

    static func corrupt(_ message: String, codec: String? = nil) -> ZarrError {
        ZarrError(.corruptData, message, codec: codec)
    }
}

/// Attaches `key` to any ZarrError thrown by `body`, and wraps foreign errors.
@inline(__always)
func withKey<T>(_ key: String, _ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as ZarrError { throw error.at(key: key) }
}
