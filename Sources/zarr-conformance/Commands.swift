import ArgumentParser
import Foundation
import ZarrConformance
import ZarrCore
import ZarrRemote

/// The command-line tool: parses, calls the libraries, maps errors to exit codes.
/// Exit codes: 0 success, 1 findings or mismatches, 2 usage error, 3 could not read.
@main
struct ZarrConformanceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zarr-conformance",
        abstract: "A reference implementation of Zarr v2, v3 and N5, and a conformance suite.",
        discussion: "Exit codes: 0 success, 1 findings or mismatches, 2 usage error, 3 the store could not be read.",
        version: versionText,
        subcommands: [Info.self, Digest.self, Cat.self, Write.self, Convert.self, Diff.self, Run.self, Cases.self, Validate.self, Manifest.self, Merge.self]
    )

    /// The tool's version and those of the codec libraries it links (as loaded at run time).
    static var versionText: String {
        "zarr-conformance \(OurReader.version)\n" + CodecLibraries.versions.map { "  \($0.name) \($0.version)" }.joined(separator: "\n")
    }

    /// Maps ArgumentParser's usage failures (EX_USAGE, 64) to this tool's exit code 2.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand { try await command.run() } else { try command.run() }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

/// Shared options for commands that open a node.
struct NodeOptions: ParsableArguments {
    @Option(name: .long, help: "Path of the node inside the store (default: the root).")
    var node: String = ""
    @Flag(name: .long, help: "Read metadata from the store's consolidated metadata (.zmetadata, or inline in zarr.json).")
    var consolidated = false
    @Option(name: .customLong("n5-axes"), help: "N5 axis order: native (N5's dimensions order, as N5-Java and tensorstore) or reversed (as z5py and zarr-python 2).")
    var n5Axes: N5Axes = .native
    @Option(name: .customLong("zarr-format"), help: "Where a node has both zarr.json and .zarray/.zgroup: 3 reads zarr.json (the default, with a warning), 2 the v2 metadata.")
    var zarrFormat: ZarrFormat?
    @OptionGroup var location: StoreOptions

    /// Opens the node at a location; a choice made for the user (both formats present) is one `warning:` line on stderr.
    func open(_ text: String) throws -> ZarrNode {
        return try ZarrNode.open(store: try location.open(text), path: node, consolidated: consolidated, n5Axes: n5Axes,
                                 zarrFormat: zarrFormat) { FileHandle.standardError.write(Data("warning: \($0)\n".utf8)) }
    }

    func openArray(_ path: String) throws -> ZarrArray {
        guard case .array(let a) = try open(path) else { throw ZarrError(.notFound, "the node is a group, not an array", key: path) }
        return a
    }
}

/// Runs a body, printing a one-line message and exiting 3 for store and data errors.
func readOrExit<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let e as ZarrError {
        FileHandle.standardError.write(Data("error: \(e)\n".utf8))
        throw ExitCode(3)
    }
}

struct Info: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print a metadata summary of the node at PATH.")
    @Argument(help: "A store location: a directory (or a node directory inside one), a .zip file, file://, http(s)://, s3:// or gs://.") var path: String
    @OptionGroup var options: NodeOptions
    @Flag(name: .long, help: "Print JSON.") var json = false

    func run() async throws {
        let (options, path) = (options, path)
        let summary = try await offThePool { try readOrExit { try NodeInfo.describe(try options.open(path)) } }
        defer { options.location.reportTraffic(Location.kind(of: path)) }
        if json { print(summary.serialized(indent: 2)); return }
        for (key, value) in summary.objectValue ?? JSONObject() {
            switch key {
            case "tree": print((value.arrayValue ?? []).compactMap(\.stringValue).joined(separator: "\n"))
            case "members": continue  // the tree shows them
            case "attributes":
                let keys = value.objectValue?.keys ?? []
                print("attributes: \(keys.count)" + (keys.isEmpty ? "" : " (" + keys.prefix(8).joined(separator: ", ") + (keys.count > 8 ? ", …" : "") + ")"))
            case "storage":
                for (k, v) in value.objectValue ?? JSONObject() { print("\(k): \(v.serialized())") }
            default: print("\(key): \(value.stringValue ?? value.serialized())")
            }
        }
    }
}

struct Cat: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print each element in C order, one per line, as fill-value JSON.")
    @Option(name: .customLong("array_path"), help: "The array's location: a directory, a .zip file, file://, http(s)://, s3:// or gs://.") var arrayPath: String
    @OptionGroup var options: NodeOptions
    @Flag(help: "Print {\"sha256\": …, \"shape\": […]} (the canonical digest) instead of the elements: the adapter contract's fast form.")
    var digest = false

    /// Streams: one slab of chunk rows in memory at a time, output flushed every 64 KiB.
    func run() async throws {
        let (options, arrayPath, digest) = (options, arrayPath, digest)
        defer { options.location.reportTraffic(Location.kind(of: arrayPath)) }
        try await offThePool { try Self.stream(options, arrayPath, digest: digest) }
    }

    static func stream(_ options: NodeOptions, _ arrayPath: String, digest: Bool) throws {
        if digest {
            let out: JSON = try readOrExit {
                let array = try options.openArray(arrayPath)
                return .object(JSONObject([("sha256", .string(try CanonicalDigest.compute(array).sha256)), ("shape", .array(array.shape.map { .int($0) }))]))
            }
            print(out.serialized())
            return
        }
        var out = ""
        try readOrExit {
            let array = try options.openArray(arrayPath)
            try array.forEachSlab { slab, _ in
                for line in array.elementsJSON(slab) {
                    out += line.serialized()
                    out += "\n"
                    if out.utf8.count > 1 << 16 {
                        FileHandle.standardOutput.write(Data(out.utf8))
                        out = ""
                    }
                }
            }
        }
        FileHandle.standardOutput.write(Data(out.utf8))
    }
}

extension N5Axes: ExpressibleByArgument {}
/// `--zarr-format 2`, `3` (as zarr-python spells it) or `v2`, `v3`.
extension ZarrFormat: ExpressibleByArgument {
    public init?(argument: String) {
        guard let format = ZarrFormat(rawValue: argument.hasPrefix("v") ? argument : "v" + argument), format != .n5 else { return nil }
        self = format
    }
    public static var allValueStrings: [String] { ["2", "3"] }
}

/// The writer adapter contract (docs/adapters.md), met by this implementation.
struct Write: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write the store a case manifest describes (the writer adapter contract).",
                                                    discussion: "Manifests are described in Vectors/cases/README.md.")
    @Option(help: "The case manifest (JSON).") var manifest: String
    @Option(help: "The store directory to create (replaced if present).") var output: String

    func run() throws {
        let proposal = try readOrExit { try Proposal.load(manifest) }
        _ = try readOrExit { try proposal.materialize(at: output) }
    }
}
