import ArgumentParser
import Foundation
import ZarrConformance
import ZarrCore

struct Cases: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the catalog's cases (fixtures and manifests), filtered.")
    @Option(help: "The Vectors/ folder.") var vectors = "Vectors"
    @Option(help: "Only this format (v2, v3, n5).") var format: String?
    @Option(help: "Only cases whose writer label contains this text.") var writer: String?
    @Option(help: "Only cases citing this checklist id (e.g. SH-06).") var requirement: String?
    @Option(help: "Only cases expected to be read or refused.") var outcome: String?
    @Option(name: .customLong("id"), help: "Only cases whose id contains this text.") var idPattern: String?
    @Flag(help: "Print JSON lines.") var json = false

    func run() throws {
        let fixtures = try readOrExit { try Catalog.load(vectors: vectors) }
        let manifests = try readOrExit { try Proposal.loadAll(directory: vectors + "/cases") }
        struct Row { var id, format, writer, outcome: String; var requirements: [String] }
        var rows = fixtures.map { c -> Row in
            let outcome: String = { if case .refuse = c.expected { return "refuse" } else { return "read" } }()
            return Row(id: c.id, format: c.format, writer: c.writerLabel, outcome: outcome, requirements: c.requirements)
        }
        rows += manifests.map { Row(id: $0.id, format: $0.format, writer: "manifest " + ($0.file as NSString).lastPathComponent,
                                    outcome: $0.expected["outcome"]?.stringValue ?? "read", requirements: $0.requirements) }
        rows = rows.filter { r in
            (format.map { r.format == $0 } ?? true) && (writer.map { r.writer.contains($0) } ?? true)
                && (requirement.map { r.requirements.contains($0) } ?? true) && (outcome.map { r.outcome == $0 } ?? true)
                && (idPattern.map { r.id.contains($0) } ?? true)
        }
        for r in rows {
            if json {
                print(JSON.object(JSONObject([("id", .string(r.id)), ("format", .string(r.format)), ("writer", .string(r.writer)),
                                              ("outcome", .string(r.outcome)), ("requirements", .array(r.requirements.map { .string($0) }))])).serialized())
            } else {
                print("\(r.id)\t\(r.outcome)\t\(r.requirements.joined(separator: ","))")
            }
        }
        if !json { FileHandle.standardError.write(Data("\(rows.count) cases\n".utf8)) }
    }
}
