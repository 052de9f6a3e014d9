import ArgumentParser
import Foundation
import ZarrConformance
import ZarrCore

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare two arrays logically, whatever their formats, codecs, chunking or locations.",
        discussion: "Shape, data type and fill value, then values: how many elements and chunks differ and the first differing indices with both values (NaN equals NaN). Exit 0 when the values are identical, 1 when they differ, 3 when either array cannot be read."
    )

    @Argument(help: "The first array's store.") var a: String
    @Argument(help: "The second array's store.") var b: String
    @Option(name: .customLong("node-a"), help: "Node of the first array inside its store (default: --node).") var nodeA: String?
    @Option(name: .customLong("node-b"), help: "Node of the second array inside its store (default: --node).") var nodeB: String?
    @Option(help: "Numbers closer than this are equal (absolute).") var tolerance: Double = 0
    @Option(help: "How many differing elements to show.") var examples = 10
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var options: NodeOptions

    func run() throws {
        let diff = try readOrExit {
            var first = options, second = options
            first.node = nodeA ?? options.node
            second.node = nodeB ?? options.node
            return try ArrayDiff.compare(try first.openArray(a), try second.openArray(b), tolerance: tolerance, maxExamples: examples)
        }
        print(json ? diff.json.serialized(indent: 2) : diff.text, terminator: json ? "\n" : "")
        if !diff.identical { throw ExitCode(1) }
    }
}
