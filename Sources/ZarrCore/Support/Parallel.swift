import Foundation

/// Work spread across cores; the first error wins and stops new work.
public enum Parallel {
    public static func forEach(_ count: Int, _ body: (Int) throws -> Void) throws {
        if count <= 1 {
            for i in 0..<count { try body(i) }
            return
        }
        let lock = NSLock()
        var failure: Error?
        DispatchQueue.concurrentPerform(iterations: count) { i in
            if lock.withLock({ failure != nil }) { return }
            do { try body(i) } catch { lock.withLock { if failure == nil { failure = error } } }
        }
        if let failure { throw failure }
    }

    /// Maps across cores, keeping order.
    public static func map<T>(_ count: Int, _ body: (Int) throws -> T) throws -> [T] {
        var out = [T?](repeating: nil, count: count)
        let lock = NSLock()
        try forEach(count) { i in
            let v = try body(i)
            lock.withLock { out[i] = v }
        }
        return out.compactMap { $0 }
    }
}
