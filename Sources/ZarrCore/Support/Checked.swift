/// Checked arithmetic for sizes and offsets derived from untrusted metadata.
enum Checked {
    static func multiply(_ a: Int, _ b: Int, _ what: @autoclosure () -> String) throws -> Int {
        let (r, o) = a.multipliedReportingOverflow(by: b)
        if o { throw ZarrError(.invalidMetadata, "\(what()) overflows a 64-bit integer") }
        return r
    }

    static func add(_ a: Int, _ b: Int, _ what: @autoclosure () -> String) throws -> Int {
        let (r, o) = a.addingReportingOverflow(b)
        if o { throw ZarrError(.invalidMetadata, "\(what()) overflows a 64-bit integer") }
        return r
    }

    static func product(_ values: [Int], _ what: @autoclosure () -> String) throws -> Int {
        var r = 1
        for v in values { r = try multiply(r, v, what()) }
        return r
    }

    /// ceil(a / b) for a >= 0, b > 0.
    static func ceilDiv(_ a: Int, _ b: Int) -> Int { a == 0 ? 0 : (a - 1) / b + 1 }
}
