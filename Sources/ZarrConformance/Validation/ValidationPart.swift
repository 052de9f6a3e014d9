import Foundation
import ZarrCore

/// What one partition of a validation found (`validate --partition I/N --format jsonl`), before
/// the parts are merged into a report. A whole run is the single part `0/1`: one process and
/// `merge` of N parts build the report with the same code, so they print the same report.
public struct ValidationPart: Sendable {
    public var partition: Partition
    public var spec: SpecVersion
    public var cap: Int
    public var expectAll: Bool
    /// At most `cap` per rule (the first in `Finding.order`), and every rule's count.
    public var findings: [Finding] = []
    public var counts: [String: Int] = [:]
    public var nodes = 0
    public var chunks = 0
    /// This part's share of each array's stored chunks.
    public var tallies: [ChunkTally] = []

    public struct ChunkTally: Sendable {
        public var key: String
        public var format: ZarrFormat
        public var grid: Int
        public var stored: Int
    }

    init(partition: Partition, spec: SpecVersion, cap: Int, expectAll: Bool) {
        (self.partition, self.spec, self.cap, self.expectAll) = (partition, spec, cap, expectAll)
    }

    /// The report of all N parts of one run (each once, same options).
    public static func merge(_ parts: [ValidationPart]) throws -> Validator.Report {
        guard let first = parts.first else { throw ZarrError(.invalidArgument, "no parts to merge") }
        let indices = parts.map(\.partition.index).sorted()
        guard parts.allSatisfy({ $0.partition.count == first.partition.count }), indices == Array(0..<first.partition.count) else {
            throw ZarrError(.invalidArgument, "the parts are not 0/N … N-1/N of one run: got \(parts.map(\.partition.description).joined(separator: ", "))")
        }
        guard parts.allSatisfy({ $0.spec == first.spec && $0.cap == first.cap && $0.expectAll == first.expectAll }) else {
            throw ZarrError(.invalidArgument, "the parts were run with different options (--spec, --expect-chunks)")
        }
        var findings = parts.flatMap(\.findings)
        var counts = parts.reduce(into: [String: Int]()) { acc, p in acc.merge(p.counts, uniquingKeysWith: +) }
        // The stored-chunk findings are made here, from every part's tally, once per array.
        var tallies: [String: ChunkTally] = [:], order: [String] = []
        for tally in parts.flatMap(\.tallies) {
            if tallies[tally.key] == nil { order.append(tally.key) }
            tallies[tally.key, default: ChunkTally(key: tally.key, format: tally.format, grid: tally.grid, stored: 0)].stored += tally.stored
        }
        let sink = FindingSink(cap: first.cap, version: first.spec)
        for key in order { if let tally = tallies[key] { Validator.storedFindings(tally, expectAll: first.expectAll).forEach(sink.add) } }
        let stored = sink.collected()
        findings += stored.findings
        counts.merge(stored.counts, uniquingKeysWith: +)
        return Validator.Report(findings: FindingSink.report(findings, counts: counts, cap: first.cap, version: first.spec),
                                nodes: parts.reduce(0) { $0 + $1.nodes }, chunks: parts.reduce(0) { $0 + $1.chunks })
    }

    /// One JSON line per finding, then `{"summary": …}`.
    public func jsonLines(store: String) -> [JSON] {
        let summary: JSON = .object(JSONObject([
            ("partition", .string(partition.description)), ("store", .string(store)), ("spec", .string(spec.rawValue)),
            ("cap", .int(cap)), ("expect_all", .bool(expectAll)), ("nodes", .int(nodes)), ("chunks", .int(chunks)),
            ("counts", .object(JSONObject(counts.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) }))),
            ("arrays", .array(tallies.map { t in
                .object(JSONObject([("key", .string(t.key)), ("format", .string(t.format.rawValue)), ("grid", .int(t.grid)), ("stored", .int(t.stored))]))
            })),
        ]))
        return findings.sorted(by: Finding.order).map(ValidationOutput.findingJSON) + [.object(JSONObject([("summary", summary)]))]
    }

    /// Reads what `jsonLines` wrote; `source` names the file in errors. Returns the part and its store.
    public static func parse(lines: [Substring], source: String) throws -> (ValidationPart, store: String) {
        func bad(_ what: String) -> ZarrError { ZarrError(.invalidArgument, "not a validate part: \(what)", key: source) }
        let documents = try lines.filter { !$0.allSatisfy(\.isWhitespace) }.map { try JSON.parse(Array($0.utf8)) }
        guard let summary = documents.last?["summary"], let partition = summary["partition"]?.stringValue.flatMap(Partition.init),
              let spec = summary["spec"]?.stringValue.flatMap(SpecVersion.init(rawValue:)), let cap = summary["cap"]?.intValue, cap >= 0,
              let expectAll = summary["expect_all"]?.boolValue, let store = summary["store"]?.stringValue else { throw bad("no summary line") }
        var part = ValidationPart(partition: partition, spec: spec, cap: cap, expectAll: expectAll)
        part.nodes = summary["nodes"]?.intValue ?? 0
        part.chunks = summary["chunks"]?.intValue ?? 0
        for (rule, n) in summary["counts"]?.objectValue ?? JSONObject() { part.counts[rule] = n.intValue ?? 0 }
        for t in summary["arrays"]?.arrayValue ?? [] {
            guard let key = t["key"]?.stringValue, let format = t["format"]?.stringValue.flatMap(ZarrFormat.init(rawValue:)),
                  let grid = t["grid"]?.intValue, let stored = t["stored"]?.intValue else { throw bad("an array tally without key, format, grid or stored") }
            part.tallies.append(ChunkTally(key: key, format: format, grid: grid, stored: stored))
        }
        for line in documents.dropLast() {
            guard let rule = line["rule"]?.stringValue, let path = line["path"]?.stringValue, let message = line["message"]?.stringValue,
                  let version = line["spec_version"]?.stringValue else { throw bad("a finding without rule, path, message or spec_version") }
            var finding = Finding(rule, path, message)
            finding.specVersion = version
            part.findings.append(finding)
        }
        return (part, store)
    }
}
