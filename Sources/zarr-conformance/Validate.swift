import ArgumentParser
import Foundation
import ZarrConformance
import ZarrCore
import ZarrRemote

extension SpecVersion: ExpressibleByArgument {}

struct Validate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a store written by any tool against the spec: metadata, structure and every chunk.",
        discussion: "Exit 0 when no finding reaches --fail-on, 1 when one does, 2 on a usage error, 3 when the store cannot be read at all."
    )

    enum Format: String, ExpressibleByArgument { case text, json, junit, sarif, jsonl }
    enum FailOn: String, ExpressibleByArgument { case error, warning, never }

    @Argument(help: "The store's location: a directory, a .zip file, file://, http(s)://, s3:// or gs://.") var path: String?
    @OptionGroup var location: StoreOptions
    @Flag(name: .customLong("metadata-only"), help: "Check metadata and structure, do not decode chunks.") var metadataOnly = false
    @Option(help: "text, json, junit, sarif, or jsonl (one finding per line and a summary line: what `merge` joins).") var format: Format = .text
    @Option(name: .customLong("fail-on"), help: "error (default), warning or never.") var failOn: FailOn = .error
    @Option(help: "The Zarr v3 core version whose rules apply: 3.0 or 3.1 (the default, the latest).") var spec: SpecVersion = .latest
    @Option(name: .customLong("expect-chunks"),
            help: "What a missing chunk means: fill (the default: reported as info), all (every chunk of the grid must be stored), or a manifest FILE written by `zarr-conformance manifest` (missing, extra and changed keys).")
    var expectChunks: String = "fill"
    @Option(help: "Check only part I of N (0-based, e.g. 3/8), with --format jsonl; `merge` joins the N parts into the report one run prints.")
    var partition: Partition = .whole
    @Flag(name: .customLong("list-rules"), help: "Print every rule as Markdown and exit.") var listRules = false

    func run() async throws {
        if listRules { print(Rules.markdown, terminator: ""); return }
        guard let path else { throw ValidationError("a store path is required") }
        var validator = Validator()
        validator.metadataOnly = metadataOnly
        validator.spec = spec
        switch expectChunks {
        case "fill": break
        case "all": validator.expectChunks = .all
        default: validator.expectChunks = .manifest(try readOrExit { try StoreManifest.load(path: expectChunks) })
        }
        let live = isatty(STDERR_FILENO) == 1 && (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
        if live {
            validator.progress = { FileHandle.standardError.write(Data("\r\u{1B}[2K… \($0)".utf8)) }
        }
        if !partition.isWhole, format != .jsonl { throw ValidationError("--partition needs --format jsonl: `merge` joins the parts") }
        validator.partition = partition
        let kind = Location.kind(of: path)
        let part: ValidationPart
        if kind == .directory, !path.hasPrefix("file://") {
            part = try readOrExit { try validator.part(root: path) }  // the hardened directory walk
        } else {
            let (location, frozen) = (location, validator)
            part = try await offThePool {
                try readOrExit { try frozen.part(store: try location.open(path)) }
            }
            location.reportTraffic(kind)
        }
        if live { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
        if format == .jsonl {
            for line in part.jsonLines(store: path) { print(line.serialized()) }
            if let level = failOn.level, part.findings.contains(where: { $0.severity >= level }) { throw ExitCode(1) }
            return
        }
        try Self.emit(try ValidationPart.merge([part]), format: format, failOn: failOn, path: path)
    }

    /// Prints a report in a format and exits 1 when a finding reaches `failOn`.
    static func emit(_ report: Validator.Report, format: Format, failOn: FailOn, path: String) throws {
        let valid = !report.findings.contains { $0.severity == .error }
        switch format {
        case .text: print(ValidationOutput.text(report, path: path), terminator: "")
        case .json: print(ValidationOutput.json(report, valid: valid).serialized(indent: 2))
        case .junit: print(ValidationOutput.junit(report, path: path), terminator: "")
        case .sarif: print(ValidationOutput.sarif(report, path: path).serialized(indent: 2))
        case .jsonl:
            for f in report.findings { print(ValidationOutput.findingJSON(f).serialized()) }
            print(JSON.object(JSONObject([("summary", .object(JSONObject([("nodes", .int(report.nodes)), ("chunks", .int(report.chunks))])))])).serialized())
        }
        if report.fails(at: failOn.level) { throw ExitCode(1) }
    }
}

extension Validate.FailOn {
    var level: Rule.Severity? { self == .never ? nil : self == .warning ? .warning : .error }
}
