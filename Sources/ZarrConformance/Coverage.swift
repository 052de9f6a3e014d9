import Foundation
import ZarrCore

/// Every MUST / MUST NOT of the shared checklist (`Vectors/requirements.json`) and the cases that
/// cite it.
public struct Coverage: Sendable {
    public struct Requirement: Sendable {
        public var id: String, level: String, text: String
        public var cases: [String]
    }
    public var requirements: [Requirement]
    public var uncovered: [Requirement] { requirements.filter(\.cases.isEmpty) }

    /// Fixtures and the manifests of `Vectors/cases` both count.
    public static func compute(vectors: String, cases: [Case]) throws -> Coverage? {
        guard let data = FileManager.default.contents(atPath: vectors + "/requirements.json") else { return nil }
        let json = try JSON.parse(Array(data))
        var byRequirement: [String: Set<String>] = [:]
        for c in cases { for r in c.requirements { byRequirement[r, default: []].insert(c.id) } }
        for p in try Proposal.loadAll(directory: vectors + "/cases") { for r in p.requirements { byRequirement[r, default: []].insert(p.id) } }
        let items = (json["requirements"]?.arrayValue ?? []).compactMap { r -> Requirement? in
            guard let id = r["id"]?.stringValue, let level = r["level"]?.stringValue, level.hasPrefix("MUST") else { return nil }
            return Requirement(id: id, level: level, text: r["text"]?.stringValue ?? "", cases: (byRequirement[id] ?? []).sorted())
        }
        return Coverage(requirements: items)
    }

    var markdown: String {
        var md = "\n## Coverage of the checklist's MUST / MUST NOT\n\n"
        md += "\(requirements.count - uncovered.count) of \(requirements.count) requirements are exercised by at least one case.\n\n"
        md += "| requirement | level | cases | example |\n|---|---|---|---|\n"
        for r in requirements { md += "| \(r.id) | \(r.level) | \(r.cases.count) | \(r.cases.first ?? "—") |\n" }
        md += "\nNot covered by any case: " + (uncovered.isEmpty ? "none." : uncovered.map(\.id).joined(separator: ", ") + ".") + "\n"
        return md
    }
}
