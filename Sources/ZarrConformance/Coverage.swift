import Foundation
import ZarrCore

/// Every MUST / MUST NOT of the shared checklist and its supplement (`Vectors/requirements.json`),
/// the cases that cite each, and the written reasons (`Vectors/coverage-reasons.json`) for what a
/// store cannot show.
public struct Coverage: Sendable {
    public struct Requirement: Sendable {
        public var id: String, level: String, text: String
        public var cases: [String]
        /// Cases that must read, and cases that must be refused (or that validate must flag).
        public var positive: Int, negative: Int
        /// Why a case cannot show this requirement, or why one side (read or refused) is missing.
        public var reason: String?
    }
    public var requirements: [Requirement]
    /// No case cites it and no reason says why.
    public var uncovered: [Requirement] { requirements.filter { $0.cases.isEmpty && $0.reason == nil } }
    /// No case cites it; a written reason stands in.
    public var explained: [Requirement] { requirements.filter { $0.cases.isEmpty && $0.reason != nil } }

    /// Fixtures and the manifests of `Vectors/cases` both count.
    public static func compute(vectors: String, cases: [Case]) throws -> Coverage? {
        guard let data = FileManager.default.contents(atPath: vectors + "/requirements.json") else { return nil }
        let json = try JSON.parse(Array(data))
        var byRequirement: [String: Set<String>] = [:]
        var positive: [String: Int] = [:], negative: [String: Int] = [:]
        func count(_ id: String, _ requirements: [String], refusedOrFlagged: Bool) {
            for r in requirements {
                byRequirement[r, default: []].insert(id)
                if refusedOrFlagged { negative[r, default: 0] += 1 } else { positive[r, default: 0] += 1 }
            }
        }
        for c in cases { count(c.id, c.requirements, refusedOrFlagged: c.expected.isRefusal || !(c.validateFindings ?? []).isEmpty) }
        for p in try Proposal.loadAll(directory: vectors + "/cases") {
            count(p.id, p.requirements, refusedOrFlagged: p.expected["outcome"]?.stringValue == "refuse")
        }
        let reasons = try Self.reasons(vectors: vectors)
        let items = (json["requirements"]?.arrayValue ?? []).compactMap { r -> Requirement? in
            guard let id = r["id"]?.stringValue, let level = r["level"]?.stringValue, level.hasPrefix("MUST") else { return nil }
            return Requirement(id: id, level: level, text: r["text"]?.stringValue ?? "", cases: (byRequirement[id] ?? []).sorted(),
                               positive: positive[id] ?? 0, negative: negative[id] ?? 0, reason: reasons[id])
        }
        return Coverage(requirements: items)
    }

    /// `Vectors/coverage-reasons.json`: `{"reasons": {"ID": "why", …}}`.
    static func reasons(vectors: String) throws -> [String: String] {
        guard let data = FileManager.default.contents(atPath: vectors + "/coverage-reasons.json") else { return [:] }
        let json = try JSON.parse(Array(data))
        return Dictionary(uniqueKeysWithValues: (json["reasons"]?.objectValue ?? JSONObject()).compactMap { k, v in v.stringValue.map { (k, $0) } })
    }

    var markdown: String {
        var md = "\n## Coverage of the checklist's MUST / MUST NOT\n\n"
        let both = requirements.filter { $0.positive > 0 && $0.negative > 0 }.count
        md += "\(requirements.count - uncovered.count - explained.count) of \(requirements.count) requirements are exercised by at least one case "
        md += "(\(both) by a case that must read and one that must be refused or flagged by validate); "
        md += "\(explained.count) cannot be shown by a store, for the reason given.\n\n"
        md += "| requirement | level | cases | read | refused or flagged | example | note |\n|---|---|---|---|---|---|---|\n"
        for r in requirements {
            md += "| \(r.id) | \(r.level) | \(r.cases.count) | \(r.positive) | \(r.negative) | \(r.cases.first ?? "—") | \(r.reason ?? "") |\n"
        }
        md += "\nNot covered by any case: " + (uncovered.isEmpty ? "none." : uncovered.map(\.id).joined(separator: ", ") + ".") + "\n"
        md += "\nShown by no store, for the reason in the table: " + (explained.isEmpty ? "none." : explained.map(\.id).joined(separator: ", ") + ".") + "\n"
        return md
    }
}
