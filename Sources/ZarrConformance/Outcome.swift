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
    /// For a peer reading our store: the fixture our store was written from (or `manifest`).
    public var source: String?
    public static let manifest = "manifest"

    var json: JSON {
        .object(JSONObject([
            ("case", .string(caseID)), ("format", .string(format)), ("writer", .string(writer)), ("reader", .string(reader)),
            ("outcome", .string(outcome.rawValue)), ("message", .string(message)),
            ("requirements", .array(requirements.map { .string($0) })),
        ]))
    }
}

extension Array where Element == CellResult {
    /// Cells that judge this implementation: our reads of every fixture, our own round trip, and
    /// peers reading our stores, except where that peer fails the same case from its original
    /// writer too (the peer's own limitation, not ours).
    public func judgingUs(_ us: String, divergences: [Divergence] = []) -> [CellResult] {
        let peerFailures = Set(filter { $0.writer != us && $0.reader != us && $0.outcome != .pass && $0.outcome != .refused }.map { "\($0.reader) \($0.caseID)" })
        return filter { cell in
            if cell.reader == us || cell.reader.hasPrefix(us + " via ") { return true }
            guard cell.writer == us else { return false }
            if divergences.contains(where: { $0.matches(cell) }) { return false }
            if cell.source == CellResult.manifest { return false }  // peers' verdicts on proposals inform, they do not gate
            if let source = cell.source, peerFailures.contains("\(cell.reader) \(source)") { return false }
            return cell.outcome != .unsupported
        }
    }

    /// Cells that judge an adapter (`run --judge NAME`): its reads of every store, and this
    /// implementation's reads of the stores it wrote; documented divergences excepted.
    public func judgingAdapter(_ name: String, divergences: [Divergence] = []) -> [CellResult] {
        filter { cell in
            guard cell.reader == name || (cell.writer == name && cell.reader == OurReader.label) else { return false }
            return !divergences.contains(where: { $0.matches(cell) })
        }
    }
}
