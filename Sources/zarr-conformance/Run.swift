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

    @Option(help: "The Vectors/ folder.") var vectors = "Vectors"
    @Option(help: "Where the reports go.") var output = "Reports"
    @Option(help: "Scratch folder for the stores this implementation writes.") var work = ".work/run"
    @Option(help: "Only cases of this format (v2).") var format: String?
    @Option(help: "Only cases whose id contains this text.") var `case`: String?
    @Flag(help: "Do not run the peers.") var noPeers = false
    @Option(help: "Exit 1 when a cell involving this implementation is a mismatch or wrongly accepted (mismatch), also an error (error), or never.")
    var failOn: FailOn = .never

    func run() throws {
        let peers = noPeers ? [] : Peer.all
        var runner = Runner(vectors: vectors, workDirectory: work, peers: peers)
        let format = self.format, pattern = self.case
        runner.filter = { c in (format == nil || c.format == format) && (pattern == nil || c.id.contains(pattern!)) }  // pattern checked non-nil
        runner.progress = { FileHandle.standardError.write(Data("… \($0)\n".utf8)) }
        let results = try readOrExit { try runner.run() }
        let divergences = try readOrExit { try Divergence.load(vectors: vectors) }
        try Reports.write(results, to: output, peers: peers, divergences: divergences)
        let counts = Dictionary(grouping: results, by: \.outcome).mapValues(\.count)
        print(Outcome.allCases.compactMap { o in counts[o].map { "\($0) \(o.rawValue)" } }.joined(separator: ", ") + " → \(output)/conformance.{md,json}")
        let ours = results.judgingUs(OurReader.label, divergences: divergences)
        let failing: [CellResult]
        switch failOn {
        case .never: failing = []
        case .mismatch: failing = ours.filter { $0.outcome == .mismatch || $0.outcome == .accepted }
        case .error: failing = ours.filter(\.outcome.isFailure)
        }
        for f in failing.prefix(20) { print("FAIL \(f.caseID) [\(f.writer) → \(f.reader)] \(f.outcome.rawValue): \(f.message)") }
        // The plain closing line CI systems read: cells of this implementation that passed
        // (or refused what must be refused), those that failed, and the rest (peers' own outcomes, skips).
        let passed = ours.filter { $0.outcome == .pass || $0.outcome == .refused }.count
        let failed = ours.filter(\.outcome.isFailure).count
        print("peers: \(results.count - ours.count) cells between other implementations, in the report")
        print("conformance: \(passed) passed, \(failed) failed, \(ours.count - passed - failed) skipped")
        if !failing.isEmpty { throw ExitCode(1) }
    }
}
