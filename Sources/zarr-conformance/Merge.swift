import ArgumentParser
import Foundation
import ZarrConformance
import ZarrCore

/// `merge PART…`: the parts of a partitioned `validate` (JSON lines) or `digest` (one JSON
/// object each) joined into what one process prints, in any output format, with its exit code.
struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Join the parts of `validate --partition I/N --format jsonl` or `digest --partition I/N` into the report or digest one process prints.",
        discussion: "Every part 0/N … N-1/N must be given once. Exit codes are those of validate (0, 1 findings at --fail-on, 2 usage) and digest.")

    @Argument(help: "Files holding one part each.") var parts: [String]
    @Option(help: "For validate parts: text, json, junit, sarif or jsonl.") var format: Validate.Format = .text
    @Option(name: .customLong("fail-on"), help: "For validate parts: error (default), warning or never.") var failOn: Validate.FailOn = .error

    func run() throws {
        guard !parts.isEmpty else { throw ValidationError("no parts given") }
        do {
            let texts = try parts.map { file in
                guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
                    throw ZarrError(.notFound, "cannot read the part", key: file)
                }
                return text
            }
            let lines = texts.map { $0.split(separator: "\n") }
            let first = lines.first?.first.flatMap { try? JSON.parse(String($0)) }
            if first?["tree"] != nil || first?["dandi"] != nil || first?["sha256"] != nil {
                throw ZarrError(.invalidArgument, "a finished digest, not a part (digest --partition 0/1 prints the whole digest)", key: parts[0])
            }
            if first?["partial"] != nil {
                print(try DigestParts.merge(lines.enumerated().map { i, part in
                    guard part.count == 1 else { throw ZarrError(.invalidArgument, "a digest part is one line of JSON", key: parts[i]) }
                    return try JSON.parse(String(part[0]))
                }).serialized())
                return
            }
            let read = try lines.enumerated().map { try ValidationPart.parse(lines: $1, source: parts[$0]) }
            guard Set(read.map(\.store)).count == 1, let store = read.first?.store else { throw ZarrError(.invalidArgument, "the parts are of different stores") }
            try Validate.emit(try ValidationPart.merge(read.map(\.0)), format: format, failOn: failOn, path: store)
        } catch let e as ZarrError {
            throw ValidationError(e.description)
        }
    }
}

/// Partial digests as JSON, and their merge: what one process prints is the merge of its one part.
enum DigestParts {
    struct Tree {
        var partition: Partition, firstRow: Int, rows: [[UInt8]], shape: [Int], edge: Int, dataType: JSON, format: String
        var json: JSON {
            .object(JSONObject([("partial", "tree"), ("partition", .string(partition.description)), ("first_row", .int(firstRow)),
                                ("rows", .array(rows.map { .string(Self.hex($0)) })), ("shape", .array(shape.map { .int($0) })), ("tile", .int(edge)),
                                ("data_type", dataType), ("format", .string(format))]))
        }
        static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
    }

    struct Dandi {
        var partition: Partition, keyCount: Int, entries: [DandiDigest.Entry]
        var json: JSON {
            .object(JSONObject([("partial", "dandi"), ("partition", .string(partition.description)), ("keys", .int(keyCount)),
                                ("entries", .array(entries.map { e in
                                    .object(JSONObject([("path", .string(e.path)), ("digest", .string(e.digest)), ("size", .int(e.size)),
                                                        ("count", .int(e.count)), ("directory", .bool(e.isDirectory))]))
                                }))]))
        }
    }

    /// Checks that the parts are 0/N … N-1/N of one run, then joins them.
    static func merge(_ parts: [JSON]) throws -> JSON {
        func bad(_ what: String) -> ZarrError { ZarrError(.invalidArgument, "digest parts: \(what)") }
        let partitions = try parts.map { p -> Partition in
            guard let text = p["partition"]?.stringValue, let partition = Partition(text) else { throw bad("a part has no partition") }
            return partition
        }
        guard let kind = parts.first?["partial"]?.stringValue, parts.allSatisfy({ $0["partial"]?.stringValue == kind }) else { throw bad("the parts are of different algorithms") }
        guard let n = partitions.first?.count, partitions.allSatisfy({ $0.count == n }), partitions.map(\.index).sorted() == Array(0..<n) else {
            throw bad("not 0/N … N-1/N of one run: got \(partitions.map(\.description).joined(separator: ", "))")
        }
        let ordered = zip(partitions, parts).sorted { $0.0.index < $1.0.index }.map(\.1)
        guard let first = ordered.first else { throw bad("none") }
        switch kind {
        case "tree":
            let shape = first["shape"]?.arrayValue?.compactMap(\.intValue) ?? [], edge = first["tile"]?.intValue ?? 0
            // A part is a file anyone may have edited: its numbers are checked before use.
            let elements = shape.reduce((1, false)) { acc, n in let (p, o) = acc.0.multipliedReportingOverflow(by: n); return (p, acc.1 || o || n < 0) }
            guard edge >= 1, !elements.1, shape.count == first["shape"]?.arrayValue?.count else { throw bad("a part has no valid shape and tile") }
            guard ordered.allSatisfy({ $0["shape"] == first["shape"] && $0["tile"] == first["tile"] && $0["data_type"] == first["data_type"] }) else {
                throw bad("the parts are of different arrays")
            }
            var rows: [[UInt8]] = []
            for part in ordered {
                guard part["first_row"]?.intValue == rows.count || part["rows"]?.arrayValue?.isEmpty == true else { throw bad("the parts' rows do not follow each other") }
                for row in part["rows"]?.arrayValue ?? [] {
                    guard let hex = row.stringValue, let bytes = Self.bytes(hex: hex), bytes.count == 32 else { throw bad("a row hash is not 64 hex digits") }
                    rows.append(bytes)
                }
            }
            guard rows.count == TreeDigest.rowCount(shape: shape, edge: edge) else { throw bad("\(rows.count) rows of \(TreeDigest.rowCount(shape: shape, edge: edge))") }
            return .object(JSONObject([("tree", .string(TreeDigest.root(shape: shape, edge: edge, rowHashes: rows))), ("shape", .array(shape.map { .int($0) })),
                                       ("data_type", first["data_type"] ?? .null), ("format", first["format"] ?? .null),
                                       ("elements", .int(elements.0)), ("tile", .int(edge))]))
        case "dandi":
            guard ordered.allSatisfy({ $0["keys"] == first["keys"] }) else { throw bad("the parts listed different stores") }
            let entries = try ordered.flatMap { part in
                try (part["entries"]?.arrayValue ?? []).map { e -> DandiDigest.Entry in
                    guard let path = e["path"]?.stringValue, let digest = e["digest"]?.stringValue, let size = e["size"]?.intValue,
                          let count = e["count"]?.intValue, let directory = e["directory"]?.boolValue else { throw bad("an entry without path, digest, size, count or directory") }
                    return DandiDigest.Entry(path: path, digest: digest, size: size, count: count, isDirectory: directory)
                }
            }
            let result = DandiDigest.digest(entries)
            return .object(JSONObject([("dandi", .string(result.digest)), ("files", .int(result.files)), ("bytes", .int(result.bytes))]))
        default:
            throw bad("unknown algorithm \(kind)")
        }
    }

    static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        return try? stride(from: 0, to: digits.count, by: 2).map { i in
            guard let byte = UInt8(String(decoding: digits[i..<i + 2], as: UTF8.self), radix: 16) else { throw ZarrError(.invalidArgument, "hex") }
            return byte
        }
    }
}
