/// A byte range of a value (V3-101, ST-09).
public enum ByteRange: Equatable, Sendable {
    case all
    /// `length` bytes from `offset`.
    case range(offset: Int, length: Int)
    /// The last `n` bytes.
    case suffix(Int)
}

/// Storage split by capability (V3-102…V3-104). Keys are `/`-separated strings; a missing key
/// reads as nil, never as an error (ST-10).
public protocol ReadableStore: Sendable {
    func get(_ key: String, range: ByteRange) throws -> [UInt8]?
    /// The size of a value without reading it; nil when absent.
    func size(_ key: String) throws -> Int?
    /// As `get(_:range:)`, refusing before it allocates to return more than `limit` bytes
    /// (a stored size is a claim like any other: a sparse 8 GiB file must not be read).
    func get(_ key: String, range: ByteRange, limit: Int) throws -> [UInt8]?
}

public protocol ListableStore: Sendable {
    /// Every key under `prefix` (which is "" or ends with "/"), as full keys.
    func list(prefix: String) throws -> [String]
    /// The keys and child prefixes directly under `prefix`, without the prefix.
    func listDir(_ prefix: String) throws -> (keys: [String], prefixes: [String])
}

public protocol WritableStore: Sendable {
    func set(_ key: String, _ value: [UInt8]) throws
    func erase(_ key: String) throws
}

public typealias Store = ReadableStore & ListableStore & WritableStore

extension ReadableStore {
    public func get(_ key: String) throws -> [UInt8]? { try get(key, range: .all) }

    public func size(_ key: String) throws -> Int? { try get(key)?.count }

    /// Stores that cannot size a value more cheaply than reading it check after the read.
    public func get(_ key: String, range: ByteRange, limit: Int) throws -> [UInt8]? {
        if case .all = range, let n = try size(key) { try StoreLimits.check(n, limit: limit, key: key) }
        guard let value = try get(key, range: range) else { return nil }
        try StoreLimits.check(value.count, limit: limit, key: key)
        return value
    }

    /// Reads and parses a JSON document, naming the key in any error.
    public func getJSON(_ key: String) throws -> JSON? {
        guard let bytes = try get(key, range: .all, limit: StoreLimits.maxMetadataBytes) else { return nil }
        return try withKey(key) { try JSON.parse(bytes) }
    }
}

/// What a store hands out at most, whatever a stored size claims.
public enum StoreLimits {
    /// Any one value (a chunk's own bound is usually far lower: `CodecChain.maxStoredSize`).
    public static let maxValueBytes = CodecChain.defaultDecodeLimit + (1 << 20)
    /// A metadata document (consolidated metadata of a large hierarchy included).
    public static let maxMetadataBytes = 256 << 20

    static func check(_ count: Int, limit: Int, key: String) throws {
        guard count <= limit else {
            throw ZarrError(.corruptData, "the stored value has \(count) bytes, more than the \(limit) it can hold here", key: key, problem: .valueTooLarge)
        }
    }
}

extension ByteRange {
    /// The range within a value of `count` bytes; an out-of-bounds request is an error.
    func resolve(count: Int, key: String) throws -> Range<Int> {
        switch self {
        case .all: return 0..<count
        case .range(let offset, let length):
            guard offset >= 0, length >= 0, offset <= count, length <= count - offset else {
                throw ZarrError(.corruptData, "byte range \(offset)+\(length) is outside the \(count)-byte value", key: key)
            }
            return offset..<offset + length
        case .suffix(let n):
            guard n >= 0, n <= count else { throw ZarrError(.corruptData, "suffix of \(n) bytes is longer than the \(count)-byte value", key: key) }
            return count - n..<count
        }
    }
}

/// Key rules shared by every store: no empty, `.` or `..` segments, no absolute keys,
/// backslashes or NUL (V2-05, ST-04). Store contents are untrusted, so this runs on every key.
enum StoreKey {
    /// Non-empty `/`-separated segments, none `.` or `..`, no backslash or NUL (checked on the
    /// UTF-8 bytes: this runs for every key read).
    static func validate(_ key: String) throws {
        var segment = 0, dots = 0
        for byte in key.utf8 {
            switch byte {
            case UInt8(ascii: "/"):
                guard segment > 0, segment != dots || dots > 2 else { throw invalid(key) }
                (segment, dots) = (0, 0)
            case UInt8(ascii: "\\"), 0: throw ZarrError(.invalidArgument, "invalid store key", key: key)
            case UInt8(ascii: "."): (segment, dots) = (segment + 1, dots + 1)
            default: segment += 1
            }
        }
        guard segment > 0, segment != dots || dots > 2 else { throw invalid(key) }
    }

    static func invalid(_ key: String) -> ZarrError {
        if key.isEmpty || key.hasPrefix("/") { return ZarrError(.invalidArgument, "invalid store key", key: key) }
        let bad = key.split(separator: "/", omittingEmptySubsequences: false).first { $0.isEmpty || $0 == "." || $0 == ".." } ?? ""
        return ZarrError(.invalidArgument, "invalid store key segment '\(bad)'", key: key, problem: .invalidPath)
    }
}
