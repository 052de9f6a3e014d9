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

    /// What exactly is wrong, set where the problem is found. The validator decides its rules
    /// from this, the kind, the field and the codec; never from the message, which is free to change.
    public enum Problem: String, Sendable, CaseIterable {
        /// Nothing more specific than the kind and field say.
        case general
        /// A document is not JSON (V2-10, V3-10).
        case invalidJSON
        /// A required member is absent.
        case missingMember
        /// A member the format or codec does not define.
        case unknownMember
        /// A codec that is known and never decoded (pickle, NC-25).
        case refusedCodec
        /// A codec id or name this reader does not know (NC-26, EX-U01).
        case unknownCodec
        /// An extension name that is not in the zarr-extensions registry.
        case unregisteredExtension
        /// An `|O` array without an object codec (V2-38).
        case objectCodecMissing
        /// A format version newer than this reader knows (N5-03, N5-23).
        case newerVersion
        /// A node path or consolidated entry that is not a valid key (V2-05, CM-03).
        case invalidPath
        /// A stored value larger than what it may hold.
        case valueTooLarge
        /// A shard index that is corrupt, overflows or overlaps (SH-05…SH-10).
        case shardIndex
        /// A stored checksum that does not match.
        case checksumMismatch
        /// An N5 block header that disagrees with the dataset (N5-16).
        case blockHeader
        /// Decoded or stored bytes of another size than the chunk needs.
        case sizeMismatch
    }

    public let kind: Kind
    public var problem: Problem
    public var message: String
    public var key: String?
    public var codec: String?
    public var field: String?

    public init(_ kind: Kind, _ message: String, key: String? = nil, codec: String? = nil, field: String? = nil, problem: Problem = .general) {
        self.kind = kind
        self.problem = problem
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

    static func metadata(_ message: String, field: String? = nil, problem: Problem = .general) -> ZarrError {
        ZarrError(.invalidMetadata, message, field: field, problem: problem)
    }

    static func corrupt(_ message: String, codec: String? = nil, problem: Problem = .general) -> ZarrError {
        ZarrError(.corruptData, message, codec: codec, problem: problem)
    }

    /// The same error with a more specific problem, unless one is set already.
    func because(_ problem: Problem) -> ZarrError {
        var copy = self
        if copy.problem == .general { copy.problem = problem }
        return copy
    }
}

/// Attaches `key` to any ZarrError thrown by `body`, and wraps foreign errors.
@inline(__always)
func withKey<T>(_ key: String, _ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as ZarrError { throw error.at(key: key) }
}
