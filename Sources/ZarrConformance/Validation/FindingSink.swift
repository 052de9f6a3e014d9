import Foundation
import ZarrCore

/// Collects findings from several threads. Per rule it keeps the first `cap` findings in
/// `Finding.order` (not in the order they were found, which threads and partitions change),
/// and counts the rest: the kept set is the same however the work was split.
final class FindingSink: @unchecked Sendable {  // all state is guarded by `lock`
    private let lock = NSLock()
    private var kept: [String: [Finding]] = [:]
    private var counts: [String: Int] = [:]
    let cap: Int
    let version: SpecVersion
    /// Drops everything: what a partition sees but another one reports.
    let muted: Bool

    /// Kept findings of one rule past which the list is cut back to `cap`.
    private var trimAt: Int { cap >= Int.max / 4 ? Int.max : 4 * max(cap, 64) }

    init(cap: Int, version: SpecVersion = .latest, muted: Bool = false) {
        self.cap = cap
        self.version = version
        self.muted = muted
    }

    /// A sink for work whose findings another partition reports.
    func silenced() -> FindingSink { FindingSink(cap: cap, version: version, muted: true) }

    /// Drops findings of rules the selected version does not have, and names the version.
    func add(_ finding: Finding) {
        guard !muted else { return }
        let rule = Rules.rule(finding.rule)
        if let versions = rule.versions, !versions.contains(version) { return }
        var f = finding
        f.specVersion = rule.specVersion(selected: version, format: f.format)
        lock.withLock {
            counts[f.rule, default: 0] += 1
            kept[f.rule, default: []].append(f)
            // Trimmed now and then, so memory stays at a few times the cap per rule.
            if let n = kept[f.rule]?.count, n > trimAt { kept[f.rule] = Self.first(cap, of: kept[f.rule] ?? []) }
        }
    }

    /// The kept findings (at most `cap` per rule) and every rule's count.
    func collected() -> (findings: [Finding], counts: [String: Int]) {
        lock.withLock { (kept.values.flatMap { Self.first(cap, of: $0) }, counts) }
    }

    /// Findings in `Finding.order`, at most `cap` per rule, then one line per rule with more.
    func all() -> [Finding] {
        let (findings, counts) = collected()
        return Self.report(findings, counts: counts, cap: cap, version: version)
    }

    static func report(_ findings: [Finding], counts: [String: Int], cap: Int, version: SpecVersion) -> [Finding] {
        var out = Dictionary(grouping: findings, by: \.rule).values.flatMap { first(cap, of: $0) }.sorted(by: Finding.order)
        for (rule, n) in counts.sorted(by: { $0.key < $1.key }) where n > cap {
            out.append(Finding(rule, "", "\(n - cap) more findings of this rule", version: version))
        }
        return out
    }

    static func first(_ n: Int, of findings: [Finding]) -> [Finding] {
        findings.count <= n ? findings : Array(findings.sorted(by: Finding.order).prefix(n))
    }
}

extension Finding {
    /// The order of a report: errors, then warnings, then info; each by path (UTF-8), rule and
    /// message. It depends on the findings alone, never on which thread or part found them.
    static func order(_ a: Finding, _ b: Finding) -> Bool {
        if a.severity != b.severity { return a.severity > b.severity }
        if a.path != b.path { return a.path.utf8.lexicographicallyPrecedes(b.path.utf8) }
        if a.rule != b.rule { return a.rule < b.rule }
        return a.message.utf8.lexicographicallyPrecedes(b.message.utf8)
    }
}
