import Foundation
import ZarrCore

/// Reads a case with this project's implementation and judges it against the expectation.
public enum OurReader {
    public static let name = "zarr-conformance"
    public static let version = "0.1.0"
    public static var label: String { "\(name)-\(version)" }

    /// Digest and shape of the array node of a store, or the error that stopped the read.
    /// `format` is the case's format: where a node holds both `zarr.json` and v2 metadata, a
    /// `v2` case reads the v2 metadata and a `v3` case `zarr.json`.
    public static func read(store root: String, node: String, consolidated: Bool, format: String? = nil) -> Result<(String, [Int]), ZarrError> {
        read(in: FilesystemStore(root: root), node: node, consolidated: consolidated, format: format)
    }

    /// The same, from a store of any kind (zip, HTTP, S3…).
    public static func read(in store: any ReadableStore, node: String, consolidated: Bool, format: String? = nil) -> Result<(String, [Int]), ZarrError> {
        do {
            // As every peer reads a case (`root[node]`): the store's root group first, then the node.
            if !node.isEmpty, try store.get(MetadataKey.zgroup) != nil || store.get(MetadataKey.zarrJSON) != nil {
                _ = try ZarrNode.open(store: store, consolidated: consolidated, zarrFormat: ZarrFormat(caseFormat: format))
            }
            guard case .array(let array) = try ZarrNode.open(store: store, path: node, consolidated: consolidated,
                                                             zarrFormat: ZarrFormat(caseFormat: format)) else {
                return .failure(ZarrError(.notFound, "the node is a group, not an array", key: node))
            }
            return .success((try CanonicalDigest.compute(array).sha256, array.shape))
        } catch let e as ZarrError {
            return .failure(e)
        } catch {
            return .failure(ZarrError(.storage, "\(error)"))
        }
    }

    public static func judge(_ c: Case, _ result: Result<(String, [Int]), ZarrError>) -> (Outcome, String) {
        switch (c.expected, result) {
        case (.read(let sha, let shape), .success(let (got, gotShape))):
            if gotShape != shape { return (.mismatch, "shape \(gotShape), expected \(shape)") }
            return got == sha ? (.pass, "") : (.mismatch, "sha256 \(got.prefix(16))…, expected \(sha.prefix(16))…")
        case (.read, .failure(let e)):
            return (e.kind == .unsupported ? .unsupported : .error, e.description)
        case (.refuse, .success):
            return (.accepted, "read without error")
        case (.refuse, .failure(let e)):
            return (.refused, e.description)
        }
    }
}

/// Writes a case's array again with this implementation: same metadata, same data, the same
/// chunks present (chunks absent from the source are erased after writing). For a lossy codec
/// (zfp) whose case names the writer's input (`sourceNode`), that input is encoded, so the store
/// must decode to the writer's own read-back only if this encoder matches the writer's.
public enum OurWriter {
    public static func rewrite(_ c: Case, from sourceRoot: String, to destination: String) throws {
        let fm = FileManager.default
        try? fm.removeItem(atPath: destination)
        try fm.createDirectory(atPath: destination, withIntermediateDirectories: true)
        let source = FilesystemStore(root: sourceRoot)
        guard case .array(let array) = try ZarrNode.open(store: source, path: c.node, consolidated: c.consolidated, zarrFormat: ZarrFormat(caseFormat: c.format)) else {
            throw ZarrError(.notFound, "not an array", key: c.node)
        }
        let target = FilesystemStore(root: destination, durable: false)  // scratch, rewritten every run
        let copy: ZarrArray
        switch array.metadata {
        case .v2(let metadata):
            let attributes = try array.attributes
            copy = try ZarrArray.create(store: target, path: c.node, metadata: metadata, attributes: attributes.isEmpty ? nil : attributes)
        case .v3, .n5:
            copy = try ZarrArray.create(store: target, path: c.node, metadata: array.metadata)
        }
        if !array.shape.contains(0) {
            if let node = c.sourceNode {
                let input = try ZarrArray.open(store: source, path: node)
                guard input.shape == array.shape, input.dataType == array.dataType else {
                    throw ZarrError(.invalidMetadata, "the input node '\(node)' has another shape or type than the array", key: node)
                }
                try copy.write(try input.read())
            } else {
                try copy.write(try array.read())
            }
        }
        let prefix = c.node.isEmpty ? "" : c.node + "/"
        let present = Set(try source.list(prefix: prefix))
        let metadataNames: Set<String> = [MetadataKey.zarray, MetadataKey.zattrs, MetadataKey.zgroup, MetadataKey.zarrJSON, MetadataKey.n5Attributes]
        for key in try target.list(prefix: prefix) where !present.contains(key) && !metadataNames.contains(String(key.split(separator: "/").last ?? "")) {
            try target.erase(key)
        }
        if c.consolidated {
            if array.metadata.format == .v3 { try ConsolidatedV3.write(store: target) } else { try ConsolidatedV2.write(store: target) }
        }
    }
}

extension ZarrFormat {
    /// The Zarr format a catalog case names (`v2`, `v3`); nil for N5 (found by its own metadata) and anything else.
    init?(caseFormat: String?) {
        guard let format = caseFormat.flatMap(ZarrFormat.init(rawValue:)), format != .n5 else { return nil }
        self = format
    }
}
