import ZarrCore

/// The verdict of one reader on one case, kept apart by class (never merged into pass/fail).
public enum Outcome: String, CaseIterable, Sendable {
    case pass
    /// Read, but the values differ from the expected digest or shape.
    case mismatch
    /// A case that must be refused was refused.
    case refused
    /// A case that must be refused was read without error.
    case accepted = "wrongly-accepted"
    /// The reader does not support the case (its own message says why).
    case unsupported
    /// A readable case failed to read.
    case error
    /// Not run (a peer's environment is missing).
    case skipped

    /// Whether this outcome is a failure of the implementation under test.
    public var isFailure: Bool { self == .mismatch || self == .accepted || self == .error }
}

/// One cell of the matrix: a case, written by `writer`, read by `reader`.
public struct CellResult: Sendable {
    public var caseID: String
    public var format: String
    public var family: String
    public var writer: String
    public var reader: String
    public var outcome: Outcome
    public var message: String
    public var requirements: [String]

    var json: JSON {
        .object(JSONObject([
            ("case", .string(caseID)), ("format", .string(format)), ("writer", .string(writer)), ("reader", .string(reader)),
            ("outcome", .string(outcome.rawValue)), ("message", .string(message)),
            ("requirements", .array(requirements.map { .string($0) })),
        ]))
    }
}
