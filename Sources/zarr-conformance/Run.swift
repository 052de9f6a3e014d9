import ArgumentParser
import Foundation
import ZarrConformance
import ZarrCore

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the conformance matrix over the catalog and write the reports.",
        discussion: "Reads every committed fixture with this implementation, writes every readable case again, and has each peer whose venv is present read those stores."
    )

    enum FailOn: String, ExpressibleByArgument { case mismatch, error, never }

    @Option(name: [.customLong("catalog"), .customLong("vectors")], help: "The Vectors/ folder: its catalog/, fixtures/ and cases/ (default: Vectors in the current directory).")
    var vectors = "Vectors"
    @Option(help: "Where the reports go.") var output = "Reports"
    @Option(help: "Scratch folder for the stores this implementation writes.") var work = ".work/run"
    @Option(help: "Only cases of this format (v2, v3, n5).") var format: String?
    @Option(name: .customLong("id"), help: "Only cases whose id contains this text.") var idPattern: String?
    @Option(help: "Only cases whose writer label contains this text.") var writer: String?
    @Option(help: "Only these readers (label contains this text; this implementation always reads).") var reader: String?
    @Option(name: .customLong("case"), help: "Run only this manifest (metadata, data recipe, expected outcome); repeatable. See Vectors/cases/README.md.")
    var caseFiles: [String] = []
    @Flag(help: "Do not run the peers declared in Vectors/peers/peers.json (adapters given with --adapter still run).") var noPeers = false
    @Option(name: .customLong("adapter"), help: ArgumentHelp("Add an implementation for this run: NAME=COMMAND, or NAME:ROLES=COMMAND with ROLES from reader (the default), writer, digest, v2, v3, n5; repeatable. See docs/adapters.md.", valueName: "NAME=COMMAND"))
    var adapters: [String] = []
    @Option(help: "Whose cells --fail-on and the closing line count: this implementation (default) or an adapter's NAME.") var judge: String?
    @Option(name: .customLong("store-kinds"), help: "Also read every committed fixture from these kinds of store, each a reader column that must agree with the directory: zip, http, s3 (comma-separated; servers on loopback).")
    var storeKinds: String?
    @Option(help: "Exit 1 when a cell involving this implementation is a mismatch or wrongly accepted (mismatch), also an error (error), or never.")
    var failOn: FailOn = .never

    func validate() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: vectors + "/catalog", isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("no case catalog at \(vectors)/catalog: run from the repository's root, or give --catalog DIR (the Vectors/ folder)")
        }
    }

    func run() throws {
        let readerFilter = reader
        let given: [Peer]
        do { given = try adapters.map(Peer.adapter) } catch let e as ZarrError {
            FileHandle.standardError.write(Data("error: \(e.message)\n".utf8))
            throw ExitCode(2)
        }
        let declared = noPeers ? [] : try readOrExit { try Peer.load(vectors: vectors) }
        let labels = Set(declared.map(\.label))
        if let clash = given.first(where: { labels.contains($0.label) || $0.label == OurReader.label }) {
            FileHandle.standardError.write(Data("error: adapter name '\(clash.label)' is already an implementation's label\n".utf8))
            throw ExitCode(2)
        }
        // Every peer is probed before the run; the missing ones are named with the reason, here
        // and in every report, never silently dropped.
        let candidates = (declared + given).filter { readerFilter == nil || $0.label.contains(readerFilter ?? "") || !$0.isReader }
        let peers = try Parallel.map(candidates.count) { candidates[$0].checked() }
        if !peers.isEmpty {
            let found = peers.filter(\.isAvailable), missing = peers.filter { !$0.isAvailable }
            var line = "peers found: \(found.map { $0.label + ($0.isReader ? "" : " (writer)") }.joined(separator: ", "))"
            if !missing.isEmpty { line += "\npeers unavailable: " + missing.map { "\($0.label) (\($0.unavailable ?? ""))" }.joined(separator: "; ") }
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        if let judge, !given.contains(where: { $0.label == judge }) {
            FileHandle.standardError.write(Data("error: --judge \(judge) names no adapter given with --adapter\n".utf8))
            throw ExitCode(2)
        }
        var runner = Runner(vectors: vectors, workDirectory: work, peers: peers)
        let format = self.format, pattern = idPattern, writerPattern = writer
        runner.filter = { c in
            (format == nil || c.format == format) && (pattern.map { c.id.contains($0) } ?? true) && (writerPattern.map { c.writerLabel.contains($0) } ?? true)
        }
        if let storeKinds {
            var s3: Runner.S3Fixtures?
            runner.otherStores = try readOrExit {
                try FixtureStores.make(storeKinds.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }, vectors: vectors, work: work,
                                       s3Fixtures: &s3) {
                    FileHandle.standardError.write(Data("… \($0)\n".utf8))
                }
            }
            runner.s3Fixtures = s3
        }
        runner.proposals = try readOrExit { caseFiles.isEmpty ? try Proposal.loadAll(directory: vectors + "/cases") : try caseFiles.map(Proposal.load) }
        runner.onlyProposals = !caseFiles.isEmpty
        runner.progress = Progress.reporter()
        let results = try readOrExit { try runner.run() }
        guard !results.isEmpty else {
            // Running nothing is never a success.
            FileHandle.standardError.write(Data("error: no case matches the filters: nothing was run\n".utf8))
            throw ExitCode(2)
        }
        let divergences = try readOrExit { try Divergence.load(vectors: vectors) }
        let coverage = try readOrExit { try Coverage.compute(vectors: vectors, cases: Catalog.load(vectors: vectors)) }
        let ours = judge.map { results.judgingAdapter($0, divergences: divergences) } ?? results.judgingUs(OurReader.label, divergences: divergences)
        let features = try readOrExit { try FeatureSupport.load(vectors: vectors) }
        try Reports.write(results, to: output, peers: peers, divergences: divergences, features: features, coverage: coverage, judged: ours)
        let counts = Dictionary(grouping: results, by: \.outcome).mapValues(\.count)
        print(Outcome.allCases.compactMap { o in counts[o].map { "\($0) \(o.rawValue)" } }.joined(separator: ", ") + " → \(output)/conformance.{md,json,html}, junit.xml")
        let failing: [CellResult]
        switch failOn {
        case .never: failing = []
        case .mismatch: failing = ours.filter { $0.outcome == .mismatch || $0.outcome == .accepted }
        case .error: failing = ours.filter(\.outcome.isFailure)
        }
        for f in failing.prefix(20) { print("FAIL \(f.caseID) [\(f.writer) → \(f.reader)] \(f.outcome.rawValue): \(f.message)") }
        // The plain closing line CI systems read: cells of this implementation that passed
        // (or refused what must be refused), those that failed, and the rest (peers' own outcomes, skips).
        if !caseFiles.isEmpty { Progress.printVerdicts(results) }
        let passed = ours.filter { $0.outcome == .pass || $0.outcome == .refused }.count
        let failed = ours.filter(\.outcome.isFailure).count
        print("peers: \(results.count - ours.count) cells between other implementations, in the report")
        print("conformance: \(passed) passed, \(failed) failed, \(ours.count - passed - failed) skipped")
        if !failing.isEmpty { throw ExitCode(1) }
    }
}
