import ArgumentParser
import Foundation
import ZarrCore
import ZarrRemote

/// `convert SRC DST`: any readable array or hierarchy re-encoded as v2, v3 or N5.
struct Convert: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-encode the array or hierarchy at SRC into a new store at DST: v2, v3 or N5, with chosen codecs, chunk and shard shapes.",
        discussion: "Values, fill values and user attributes are kept. Chunks are encoded in parallel a slab of chunk (or shard) rows at a time, each written atomically. "
            + "--codecs: none, zstd[:LEVEL], gzip[:LEVEL] or blosc[:CNAME[:CLEVEL[:shuffle|noshuffle|bitshuffle]]]. N5 is written in its native axis order "
            + "(dimensions = the shape), as N5-Java and tensorstore read it.")

    enum Target: String, ExpressibleByArgument { case v2, v3, n5 }

    @Argument(help: "The source: a directory, a .zip file, file://, http(s)://, s3:// or gs://.") var source: String
    @Argument(help: "The destination directory (must not exist yet).") var destination: String
    @OptionGroup var options: NodeOptions
    @Option(help: "v2, v3 or n5.") var format: Target = .v3
    @Option(help: "The compressor: none, zstd[:LEVEL] (the default zstd:1), gzip[:LEVEL] or blosc[:CNAME[:CLEVEL[:SHUFFLE]]].") var codecs = "zstd:1"
    @Option(help: "The chunk shape (the inner chunk shape with --shards), comma-separated; default: the source's.") var chunks: String?
    @Option(help: "v3: the shard shape, comma-separated, a multiple of --chunks.") var shards: String?

    func run() async throws {
        guard let compressor = ArrayConversion.Compressor(spec: codecs) else { throw ValidationError("--codecs '\(codecs)': expected none, zstd[:LEVEL], gzip[:LEVEL] or blosc[:CNAME[:CLEVEL[:SHUFFLE]]]") }
        func shape(_ text: String?, _ name: String) throws -> [Int]? {
            guard let text else { return nil }
            let values = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) >= 1 }) else { throw ValidationError("--\(name) '\(text)': positive integers, comma-separated") }
            return values.compactMap { $0 }
        }
        let conversion = ArrayConversion(format: ZarrFormat(rawValue: format.rawValue) ?? .v3, chunks: try shape(chunks, "chunks"), shards: try shape(shards, "shards"),
                                         compressor: compressor)
        if conversion.shards != nil, conversion.format != .v3 { throw ValidationError("--shards needs --format v3") }
        guard !FileManager.default.fileExists(atPath: destination) else { throw ValidationError("\(destination) exists: convert writes a new store") }
        let (options, source, destination) = (options, source, destination)
        let written = try await offThePool { try readOrExit {
            // Each chunk is written atomically (a temporary file renamed into place); the whole
            // store is flushed once at the end rather than with two fsyncs per chunk (1,000,000
            // chunks: 6 min 51 s with per-chunk fsyncs).
            let store = FilesystemStore(root: destination, durable: false)
            let written = try Self.convert(try options.open(source), to: store, path: "", with: conversion)
            store.synchronize()
            return written
        } }
        options.location.reportTraffic(Location.kind(of: source))
        FileHandle.standardError.write(Data("converted \(written) array\(written == 1 ? "" : "s") into \(destination)\n".utf8))
    }

    /// Converts a node and, for a group, everything under it; returns the arrays written.
    static func convert(_ node: ZarrNode, to store: FilesystemStore, path: String, with conversion: ArrayConversion) throws -> Int {
        switch node {
        case .array(let array):
            try conversion.convert(array, to: store, path: path)
            return 1
        case .group(let group):
            try ZarrGroup.create(store: store, path: path, attributes: try group.attributes, format: conversion.format)
            var count = 0
            for member in try group.members() {
                func join(_ parent: String) -> String { parent.isEmpty ? member.name : parent + "/" + member.name }
                count += try convert(try ZarrNode.open(store: group.store, path: join(group.path)), to: store, path: join(path), with: conversion)
            }
            return count
        }
    }
}
