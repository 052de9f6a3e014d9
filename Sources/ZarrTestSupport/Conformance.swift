/// What a shared checker found wrong: every failed expectation, each naming what was checked.
public struct ConformanceFailure: Error, CustomStringConvertible {
    public var failures: [String]
    public var description: String { failures.joined(separator: "\n") }
}

/// Collects failed expectations, then throws them together.
struct Expectations {
    var failures: [String] = []

    mutating func expect(_ condition: Bool, _ what: @autoclosure () -> String) {
        if !condition { failures.append(what()) }
    }

    /// `body` must throw a `ZarrError` (a missing value is nil, never an error; a bad request is an error, never nil).
    mutating func expectError<T>(_ what: String, _ body: () throws -> T) {
        do { _ = try body(); failures.append("\(what): no error") } catch {}
    }

    mutating func noError<T>(_ what: String, _ body: () throws -> T) -> T? {
        do { return try body() } catch { failures.append("\(what): \(error)"); return nil }
    }

    func done() throws { if !failures.isEmpty { throw ConformanceFailure(failures: failures) } }
}
