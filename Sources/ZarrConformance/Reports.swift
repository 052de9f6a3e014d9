import Foundation
import ZarrCore

/// Writes `conformance.json` and `conformance.md` from the matrix.
public enum Reports {
    /// Writes conformance.json, conformance.md, conformance.html and junit.xml.
    public static func write(_ results: [CellResult], to directory: String, peers: [Peer], divergences: [Divergence] = [],
                             features: (about: String, features: [FeatureSupport]) = ("", []),
                             coverage: Coverage? = nil, judged: [CellResult] = [], date: Date = Date()) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        func save(_ name: String, _ text: String) throws { try Data(text.utf8).write(to: URL(fileURLWithPath: directory + "/" + name)) }
        try save("conformance.json", json(results, peers: peers, date: date).serialized(indent: 1) + "\n")
        try save("conformance.md", markdown(results, peers: peers, date: date) + divergenceSection(results, divergences)
                 + FeatureSupport.markdown(about: features.about, features.features) + (coverage?.markdown ?? ""))
        try save("conformance.html", html(results, peers: peers, coverage: coverage, date: date))
        try save("junit.xml", junit(results, judged: Set(judged.map(\.key)), peers: peers))
    }

    /// Where implementations disagree with each other or with the spec: the documented divergences,
    /// then every mismatch and wrongly-accepted cell, grouped by the requirement it touches.
    static func divergenceSection(_ results: [CellResult], _ divergences: [Divergence]) -> String {
        var md = "\n## Divergences\n\n"
        if !divergences.isEmpty {
            md += "Documented in `Vectors/divergences.json`:\n\n| reader | cases | requirement | cells | note |\n|---|---|---|---|---|\n"
            for d in divergences {
                md += "| \(d.reader) | \(d.format) \(([d.casePattern] + d.otherPatterns).joined(separator: ", ")) | \(d.requirement) | \(results.filter(d.matches).count) | \(d.note) |\n"
            }
        }
        let disagreeing = results.filter { $0.outcome == .mismatch || $0.outcome == .accepted }
        let byRequirement = Dictionary(grouping: disagreeing.flatMap { cell in cell.requirements.map { ($0, cell) } }, by: \.0)
        md += "\nValues that differ from the writer's, or broken stores read without complaint, by requirement id:\n\n"
        md += "| requirement | reader | case | outcome |\n|---|---|---|---|\n"
        for requirement in byRequirement.keys.sorted() {
            for (_, cell) in byRequirement[requirement]!.sorted(by: { ($0.1.reader, $0.1.caseID) < ($1.1.reader, $1.1.caseID) }) {  // key from keys
                md += "| \(requirement) | \(cell.reader) | \(cell.caseID) | \(cell.outcome.rawValue) |\n"
            }
        }
        return md
    }

    /// Every declared implementation with its roles and status; an unavailable one with its reason.
    static func peerTable(_ peers: [Peer]) -> String {
        var md = "| implementation | roles | formats | status |\n|---|---|---|---|\n"
        md += "| \(OurReader.label) | reader, writer | v2, v3, n5 | available |\n"
        for p in peers {
            let status = p.unavailable.map { "**unavailable**: " + $0.replacingOccurrences(of: "|", with: "\\|") } ?? "available"
            md += "| \(p.label) | \(p.roles.sorted().joined(separator: ", ")) | \(p.formats.sorted().joined(separator: ", ")) | \(status) |\n"
        }
        return md + "\n"
    }

    /// v2, v3, n5, in that order.
    static func formats(_ results: [CellResult]) -> [String] {
        Set(results.map(\.format)).sorted { ["v2": 0, "v3": 1, "n5": 2][$0] ?? 3 < ["v2": 0, "v3": 1, "n5": 2][$1] ?? 3 }
    }

    static func counts(_ results: [CellResult]) -> [(Outcome, Int)] {
        Outcome.allCases.map { o in (o, results.filter { $0.outcome == o }.count) }
    }

    static func dateString(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withFullDate]
        return f.string(from: date)
    }

    public static func json(_ results: [CellResult], peers: [Peer], date: Date) -> JSON {
        var summary = JSONObject()
        summary["date"] = .string(dateString(date))
        summary["cells"] = .int(results.count)
        summary["outcomes"] = .object(JSONObject(counts(results).map { ($0.0.rawValue, .int($0.1)) }))
        summary["writers"] = .array(Set(results.map(\.writer)).sorted().map { .string($0) })
        summary["readers"] = .array(Set(results.map(\.reader)).sorted().map { .string($0) })
        summary["versions"] = .object(JSONObject([(OurReader.name, .string(OurReader.version))] + peers.map { ($0.label, .string($0.version)) }))
        summary["implementations"] = .array([.object(JSONObject([("label", .string(OurReader.label)), ("roles", ["reader", "writer"]),
                                                                 ("formats", ["v2", "v3", "n5"]), ("status", "available")]))]
                                            + peers.map(\.statusJSON))
        summary["unavailable"] = .array(peers.filter { !$0.isAvailable }.map { .string($0.label) })
        summary["n5_axes"] = .object(JSONObject([(OurReader.label, "native")] + peers.compactMap { p in p.n5Axes.map { (p.label, .string($0.rawValue)) } }))
        return .object(JSONObject([("summary", .object(summary)), ("results", .array(results.map(\.json)))]))
    }

    public static func markdown(_ results: [CellResult], peers: [Peer], date: Date) -> String {
        var md = "# Conformance report\n\n"
        md += "Generated by `make conformance` on \(dateString(date)). Implementations: \(OurReader.label)"
        md += peers.filter(\.isAvailable).map { ", \($0.label)" }.joined() + ".\n\n"
        md += peerTable(peers)
        let axes = peers.compactMap { p in p.n5Axes.map { "\(p.label) \($0.rawValue)" } }
        if !axes.isEmpty {
            md += "N5 axis order each reader presents (digests are always taken in N5's own order): \(OurReader.label) native (reversed on request), "
            md += axes.joined(separator: ", ") + ".\n\n"
        }
        md += "| outcome | cells |\n|---|---|\n"
        for (o, n) in counts(results) where n > 0 { md += "| \(o.rawValue) | \(n) |\n" }
        for format in formats(results) {
            let rows = results.filter { $0.format == format }
            let readers = Set(rows.map(\.reader)).sorted()
            md += "\n## Zarr \(format)\n\nRows are writer and case family; each cell counts passes (or correct refusals) over cases, "
            md += "then names any other outcome.\n\n"
            md += "| writer | family | " + readers.joined(separator: " | ") + " |\n"
            md += "|---|---|" + readers.map { _ in "---|" }.joined() + "\n"
            let groups = Dictionary(grouping: rows) { "\($0.writer)\u{0}\($0.family)" }
            for key in groups.keys.sorted() {
                let cells = groups[key]!  // key from groups.keys
                let parts = key.split(separator: "\u{0}").map(String.init)
                md += "| \(parts[0]) | \(parts.count > 1 ? parts[1] : "") |"
                for reader in readers {
                    let mine = cells.filter { $0.reader == reader }
                    if mine.isEmpty { md += " |"; continue }
                    let good = mine.filter { $0.outcome == .pass || $0.outcome == .refused }.count
                    let other = Dictionary(grouping: mine.filter { $0.outcome != .pass && $0.outcome != .refused }, by: \.outcome)
                        .map { "\($0.value.count) \($0.key.rawValue)" }.sorted()
                    md += " \(good)/\(mine.count)" + (other.isEmpty ? "" : " (" + other.joined(separator: ", ") + ")") + " |"
                }
                md += "\n"
            }
        }
        let notable = results.filter { $0.outcome != .pass && $0.outcome != .refused && $0.outcome != .skipped }
        if !notable.isEmpty {
            md += "\n## Cells other than pass\n\n| case | writer | reader | outcome | message |\n|---|---|---|---|---|\n"
            for r in notable.sorted(by: { ($0.caseID, $0.reader) < ($1.caseID, $1.reader) }) {
                let message = r.message.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
                md += "| \(r.caseID) | \(r.writer) | \(r.reader) | \(r.outcome.rawValue) | \(message.prefix(200)) |\n"
            }
        }
        return md
    }
}
