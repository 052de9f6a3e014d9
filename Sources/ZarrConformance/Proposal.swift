import Foundation
import ZarrCore

/// A case given as a manifest rather than a fixture (`Vectors/cases/*.json`, or `run --case FILE`):
/// array metadata, a data recipe and the expected outcome. This implementation writes the store;
/// every implementation then reads it. A spec author proposes an edge case without writing code.
///
/// ```json
/// {"format": "v3", "requirements": ["EX-C04"],
///  "metadata": {…the zarr.json, .zarray or attributes.json document…},
///  "data": {"recipe": "arange", "start": 0, "step": 1},
///  "expected": {"outcome": "read", "values": [0, 1, 2, 3]}}
/// ```
/// Recipes: `arange` (start, step), `constant` (value), `random` (seed), `values` (a list in C order),
/// each value in the format's fill-value encoding. `write` may give a selection
/// `[[start, stop, step], …]` to leave chunks missing; `chunks` may give raw chunk bytes in Base64
/// (for stores that must be refused). `expected` is `{"outcome": "refuse", "reason": …}`, or
/// `{"outcome": "read"}` with `values` or `sha256`; without either, every reader is compared with
/// this implementation's read-back.
public struct Proposal: Sendable {
    public var id: String
    public var format: String
    public var requirements: [String]
    public var node: String
    public var metadata: JSON
    public var data: JSON
    public var write: [Slice]?
    public var chunks: [String: [UInt8]]
    public var expected: JSON
    public var file: String

    public static func load(_ path: String) throws -> Proposal {
        guard let bytes = FileManager.default.contents(atPath: path) else { throw ZarrError(.notFound, "no such manifest", key: path) }
        let json: JSON
        do { json = try JSON.parse(Array(bytes)) } catch var e as ZarrError { e.key = path; throw e }
        func fail(_ why: String) -> ZarrError { ZarrError(.invalidMetadata, "manifest: \(why)", key: path) }
        guard let format = json["format"]?.stringValue, ["v2", "v3", "n5"].contains(format) else { throw fail("format must be v2, v3 or n5") }
        guard let metadata = json["metadata"], metadata.objectValue != nil else { throw fail("metadata must be the array's metadata document") }
        let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        var chunks: [String: [UInt8]] = [:]
        for (k, v) in json["chunks"]?.objectValue ?? JSONObject() {
            guard let s = v.stringValue, let d = Data(base64Encoded: s) else { throw fail("chunks hold Base64 strings") }
            chunks[k] = Array(d)
        }
        let write = try json["write"]?.arrayValue.map { items in
            try items.map { item -> Slice in
                guard let p = item.arrayValue?.compactMap({ $0.intValue }), p.count >= 2 else { throw fail("write is a list of [start, stop, step]") }
                return Slice(p[0], p[1], step: p.count > 2 ? p[2] : 1)
            }
        }
        return Proposal(id: json["id"]?.stringValue ?? "\(format)/proposed/\(name)", format: format,
                        requirements: json["requirements"]?.arrayValue?.compactMap({ $0.stringValue }) ?? [], node: json["node"]?.stringValue ?? "",
                        metadata: metadata, data: json["data"] ?? ["recipe": "arange"], write: write, chunks: chunks,
                        expected: json["expected"] ?? ["outcome": "read"], file: path)
    }

    public static func loadAll(directory: String) throws -> [Proposal] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory))?.filter { $0.hasSuffix(".json") }.sorted() ?? []
        return try files.map { try load(directory + "/" + $0) }
    }

    var metadataKey: String {
        let prefix = node.isEmpty ? "" : node + "/"
        switch format {
        case "v2": return prefix + MetadataKey.zarray
        case "v3": return prefix + MetadataKey.zarrJSON
        default: return prefix + MetadataKey.n5Attributes
        }
    }

    /// Writes the store with this implementation and returns the case to judge it by.
    public func materialize(at root: String) throws -> Case {
        let fm = FileManager.default
        try? fm.removeItem(atPath: root)
        try fm.createDirectory(atPath: root, withIntermediateDirectories: true)
        let store = FilesystemStore(root: root, durable: false)  // scratch, rewritten every run
        try store.set(metadataKey, metadata.bytes())
        if format == "v3", !node.isEmpty { try ZarrGroup.ensureAncestors(store: store, of: node, format: .v3) }
        var expectation: Case.Expectation
        let outcome = expected["outcome"]?.stringValue ?? "read"
        if outcome == "refuse" {
            expectation = .refuse(reason: expected["reason"]?.stringValue ?? "")
            if let array = try? ZarrArray.open(store: store, path: node) {
                try? array.write(try DataRecipe.make(data, array: array, selection: write), write)
            }
        } else {
            let array = try ZarrArray.open(store: store, path: node)
            try array.write(try DataRecipe.make(data, array: array, selection: write), write)
            let sha: String
            if let given = expected["sha256"]?.stringValue { sha = given }
            else if let values = expected["values"] { sha = CanonicalDigest.of(try DataRecipe.make(["recipe": "values", "values": values], array: array)) }
            else { sha = try CanonicalDigest.compute(try ZarrArray.open(store: store, path: node)).sha256 }
            expectation = .read(sha256: sha, shape: array.shape)
        }
        for (k, v) in chunks { try store.set((node.isEmpty ? "" : node + "/") + k, v) }
        return Case(id: id, format: format, requirements: requirements, store: root, node: node, consolidated: false, expected: expectation,
                    writer: OurReader.name, writerVersion: OurReader.version, script: file)
    }
}

/// Deterministic array contents from a recipe, for any data type.
enum DataRecipe {
    static func make(_ recipe: JSON, array: ZarrArray, selection: [Slice]? = nil) throws -> ChunkData {
        let count = (selection?.map(\.count) ?? array.shape).reduce(1, *)
        let type = array.dataType
        func fail(_ why: String) -> ZarrError { ZarrError(.invalidArgument, "data recipe: \(why)") }
        let elements: [[UInt8]]
        switch recipe["recipe"]?.stringValue ?? "arange" {
        case "arange":
            let start = recipe["start"]?.int64Value ?? 0, step = recipe["step"]?.int64Value ?? 1
            elements = (0..<count).map { element(start &+ Int64($0) &* step, type) }
        case "random":
            var state = UInt64(bitPattern: recipe["seed"]?.int64Value ?? 1)
            elements = (0..<count).map { _ in
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return element(Int64((state >> 33) % 2001) - 1000, type)
            }
        case "constant":
            guard let value = recipe["value"] else { throw fail("constant needs a value") }
            let one = try parse(value, array)
            elements = Array(repeating: one, count: count)
        case "values":
            guard let values = recipe["values"]?.arrayValue, values.count == count else { throw fail("values must list \(count) elements") }
            elements = try values.map { try parse($0, array) }
        default: throw fail("unknown recipe")
        }
        return type.isVariableLength ? .variable(elements) : .fixed(elements.flatMap { $0 })
    }

    static func parse(_ value: JSON, _ array: ZarrArray) throws -> [UInt8] {
        switch array.metadata {
        case .v2(let m): return try FillValue.parseV2(value, dtype: m.dtype)?.bytes ?? FillValue.zero(for: m.dtype.dataType).bytes
        case .v3(let m): return try FillValue.parseV3(value, type: m.dataType).bytes
        case .n5: return try FillValue.parseScalar(value, type: array.dataType, lenientIntegers: false).bytes
        }
    }

    /// The element for integer `v`: integers wrap to the width, floats are converted, text is its decimal form.
    static func element(_ v: Int64, _ type: DataType) -> [UInt8] {
        func le<T: FixedWidthInteger>(_ x: T) -> [UInt8] { withUnsafeBytes(of: x.littleEndian, Array.init) }
        func text(_ n: Int) -> [UInt8] { Array(Array(String(v).utf8).prefix(n)) + [UInt8](repeating: 0, count: max(0, n - String(v).utf8.count)) }
        switch type {
        case .bool: return [UInt8(v & 1)]
        case .int(let b), .uint(let b): return Array(le(v).prefix(b / 8))
        case .datetime64, .timedelta64: return le(v)
        case .float(let b): return FillValue.scalarBytes(Double(v), bits: b)
        case .complex(let b): return FillValue.scalarBytes(Double(v), bits: b / 2) + FillValue.scalarBytes(-Double(v), bits: b / 2)
        case .bfloat16: return Array(le(UInt16(SmallFloatFormat.bfloat16.encode(Double(v)) ?? 0)))
        case .smallFloat(let f): return [UInt8(truncatingIfNeeded: f.encode(Double(v % 4)) ?? 0)]
        case .complexOf(let p): return element(v, p) + element(-v, p)
        case .subByteInt(let b, let signed):
            let range = Int64(1) << b
            let w = ((v % range) + range) % range
            return [UInt8(truncatingIfNeeded: signed && w >= range / 2 ? w - range : w)]
        case .fixedBytes(let n), .raw(let n): return text(n)
        case .fixedUnicode(let n): return Array(String(v).unicodeScalars.prefix(n)).flatMap { le($0.value) } + [UInt8](repeating: 0, count: 4 * max(0, n - String(v).count))
        case .structured(let fields): return fields.flatMap { f in (0..<f.shape.reduce(1, *)).flatMap { _ in element(v, f.type) } }
        case .string, .bytes: return Array("s\(v)".utf8)
        case .vlenArray(let item): return (0..<Int(abs(v) % 4)).flatMap { _ in element(v, item) }
        }
    }
}

extension FillValue {
    static func scalarBytes(_ d: Double, bits: Int) -> [UInt8] {
        switch bits {
        case 16: return withUnsafeBytes(of: Float16(d).bitPattern.littleEndian, Array.init)
        case 32: return withUnsafeBytes(of: Float(d).bitPattern.littleEndian, Array.init)
        default: return withUnsafeBytes(of: d.bitPattern.littleEndian, Array.init)
        }
    }
}
