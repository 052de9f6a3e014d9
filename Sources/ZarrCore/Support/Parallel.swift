import Foundation

/// Work spread across cores; the first error wins and stops new work.
public enum Parallel {
    public static func forEach(_ count: Int, _ body: (Int) throws -> Void) throws {
        if count <= 1 {
            for i in 0..<count { try body(i) }
            return
        }
        try withoutActuallyEscaping(body) { body in
            // Unchecked: `concurrentPerform` returns only once every iteration has, so `body`
            // never outlives this call; callers give each index its own part of the output.
            let work = Unchecked(body)
            let failure = FirstError()
            DispatchQueue.concurrentPerform(iterations: count) { i in
                if failure.isSet { return }
                do { try work.value(i) } catch { failure.record(error) }
            }
            if let error = failure.error { throw error }
        }
    }

    /// Maps across cores, keeping order.
    public static func map<T>(_ count: Int, _ body: (Int) throws -> T) throws -> [T] {
        var out = [T?](repeating: nil, count: count)
        try out.withUnsafeMutableBufferPointer { slots in
            let slots = Unchecked(slots)  // each index writes its own slot
            try forEach(count) { i in slots.value[i] = try body(i) }
        }
        return out.compactMap { $0 }
    }
}

/// A value handed to concurrent code whose safety the caller argues (see each use).
struct Unchecked<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// The first error of concurrent work, behind a lock.
final class FirstError: @unchecked Sendable {  // all state is guarded by `lock`
    private let lock = NSLock()
    private var first: Error?

    var isSet: Bool { lock.withLock { first != nil } }
    var error: Error? { lock.withLock { first } }
    func record(_ error: Error) { lock.withLock { if first == nil { first = error } } }
}
