import ArgumentParser
import Foundation
import ZarrConformance
import ZarrCore
import ZarrRemote

extension Partition: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}

/// `digest --algorithm sha256|tree|dandi` (docs/digests.md); `tree` and `dandi` split into
/// partitions whose partial results `merge` joins.
struct Digest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a digest of the array (sha256, tree) or of the stored files (dandi) at PATH as JSON.",
        discussion: "sha256: the canonical digest of the values in C order. tree: a digest of the values that does not depend on chunking, codecs or format, "
            + "and can be split with --partition I/N and joined with `merge`. dandi: the DANDI archive's Zarr checksum of the stored files. See docs/digests.md.")

    enum Algorithm: String, ExpressibleByArgument, CaseIterable { case sha256, tree, dandi }

    @Argument(help: "The array's location (for dandi, the store's): a directory, a .zip file, file://, http(s)://, s3:// or gs://.") var path: String
    @OptionGroup var options: NodeOptions
    @Option(help: "sha256 (the default), tree or dandi.") var algorithm: Algorithm = .sha256
    @Option(help: "Hash only part I of N (0-based, e.g. 3/8) and print a partial result for `merge` (tree and dandi).") var partition: Partition = .whole
    @Option(help: "Digest only a selection, NumPy-style start:stop[:step] per axis, comma-separated (e.g. 0:512,::2; write --selection=-1: for a leading minus); only the chunks it touches are read (sha256).")
    var selection: String?

    func validate() throws {
        if !partition.isWhole, algorithm == .sha256 { throw ValidationError("sha256 cannot be split: use --algorithm tree (or dandi) with --partition") }
        if selection != nil, algorithm != .sha256 { throw ValidationError("--selection goes with --algorithm sha256") }
    }

    func run() async throws {
        let (options, path, algorithm, partition, selection) = (options, path, algorithm, partition, selection)
        defer { options.location.reportTraffic(Location.kind(of: path)) }
        let out: JSON = try await offThePool { try readOrExit {
            switch algorithm {
            case .sha256:
                let array = try options.openArray(path)
                let slices = try selection.map { text -> [Slice] in
                    do { return try Slice.numpy(text, shape: array.shape) } catch let e as ZarrError { throw ValidationError("--selection: \(e.message)") }
                }
                let result = try CanonicalDigest.compute(array, selection: slices)
                return .object(JSONObject([
                    ("sha256", .string(result.sha256)), ("shape", .array((slices?.map(\.count) ?? array.shape).map { .int($0) })),
                    ("data_type", NodeInfo.dataTypeJSON(array)), ("format", .string(array.metadata.format.rawValue)),
                    ("elements", .int(result.elementCount)),
                ]))
            case .tree:
                let array = try options.openArray(path)
                let rows = TreeDigest.rows(of: partition, array)
                let part = DigestParts.Tree(partition: partition, firstRow: rows.lowerBound, rows: try TreeDigest.hashRows(array, rows), shape: array.shape,
                                            edge: TreeDigest.edge(array), dataType: NodeInfo.dataTypeJSON(array), format: array.metadata.format.rawValue)
                return partition.isWhole ? try DigestParts.merge([part.json]) : part.json
            case .dandi:
                let store = try options.location.open(path)
                guard let listable = store as? any ListableStore else {
                    throw ZarrError(.unsupported, "the dandi digest covers every stored file: this store cannot list its keys", key: path)
                }
                let keys = DandiDigest.sorted(try listable.list(prefix: ""))
                let part = DigestParts.Dandi(partition: partition, keyCount: keys.count, entries: try DandiDigest.part(store, keys: keys, partition: partition))
                return partition.isWhole ? try DigestParts.merge([part.json]) : part.json
            }
        } }
        print(out.serialized())
    }
}

extension Slice {
    /// NumPy-style `start:stop[:step]` per axis, comma-separated: missing parts default, a
    /// negative start or stop counts from the end, bounds are clipped, a single index `i` is
    /// `i:i+1` (the axis is kept); axes not given are whole.
    static func numpy(_ text: String, shape: [Int]) throws -> [Slice] {
        let axes = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard axes.count <= shape.count else { throw ZarrError(.invalidArgument, "\(axes.count) axes given, the array has \(shape.count)") }
        var out = shape.map { Slice.all($0) }
        for (d, axis) in axes.enumerated() {
            let n = shape[d]
            let parts = axis.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            func number(_ s: String) throws -> Int? {
                if s.isEmpty { return nil }
                guard let v = Int(s) else { throw ZarrError(.invalidArgument, "'\(axis)' is not start:stop[:step]") }
                return v
            }
            func clip(_ v: Int) -> Int { v < 0 ? max(n + v, 0) : min(v, n) }
            switch parts.count {
            case 1:
                guard let i = try number(parts[0]), (-n..<n).contains(i) else { throw ZarrError(.invalidArgument, "index '\(axis)' is outside an axis of \(n)") }
                let at = i < 0 ? n + i : i
                out[d] = Slice(at, at + 1)
            case 2, 3:
                let step = try parts.count == 3 ? number(parts[2]) ?? 1 : 1
                guard step >= 1 else { throw ZarrError(.invalidArgument, "step \(step) in '\(axis)': only positive steps are supported") }
                let start = try number(parts[0]).map(clip) ?? 0, stop = try number(parts[1]).map(clip) ?? n
                out[d] = Slice(start, max(start, stop), step: step)
            default: throw ZarrError(.invalidArgument, "'\(axis)' is not start:stop[:step]")
            }
        }
        return out
    }
}
