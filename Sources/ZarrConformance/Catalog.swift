import Foundation
import ZarrCore

/// One case of the catalog in `Vectors/catalog/*.json`: a store written by some implementation,
/// the requirement ids it exercises and what a reader must get from it.
public struct Case: Sendable {
    public enum Expectation: Sendable, Equatable {
        /// Reads with this canonical digest and shape.
        case read(sha256: String, shape: [Int])
        /// Must be refused, for this reason.
        case refuse(reason: String)
    }

    public var id: String
    public var format: String
    public var requirements: [String]
    /// The store directory, relative to the Vectors/ folder.
    public var store: String
    public var node: String
    public var consolidated: Bool
    public var expected: Expectation
    public var writer: String
    public var writerVersion: String
    public var script: String
    /// A node of the same store holding the data the writer was given (`data.node` in the catalog),
    /// for lossy codecs: rewriting encodes that data again rather than the decoded values.
    public var sourceNode: String?

    /// `expected.validate`: the rules `validate` must report on a store that reads, or `[]` for a
    /// refused case whose store is valid (the node path given is what is refused); nil when absent.
    public var validateFindings: [String]?

    /// The case name without format and writer (`dtype-li4`), shared across writers.
    public var name: String { String(id.split(separator: "/").last ?? Substring(id)) }
    /// The family a report groups rows by: the name up to its first dash.
    public var family: String { String(name.split(separator: "-").first ?? Substring(name)) }
    public var writerLabel: String { writerVersion.isEmpty ? writer : "\(writer)-\(writerVersion)" }

    init(id: String, format: String, requirements: [String], store: String, node: String, consolidated: Bool, expected: Expectation,
         writer: String, writerVersion: String, script: String) {
        self.id = id
        self.format = format
        self.requirements = requirements
        self.store = store
        self.node = node
        self.consolidated = consolidated
        self.expected = expected
        self.writer = writer
        self.writerVersion = writerVersion
        self.script = script
    }

    /// The store's directory: relative to the Vectors/ folder, or absolute for materialised proposals.
    public func storePath(vectors: String) -> String { store.hasPrefix("/") ? store : vectors + "/" + store }

    init(json: JSON, file: String) throws {
        func fail(_ what: String) -> ZarrError { ZarrError(.invalidMetadata, "catalog entry \(json["id"]?.stringValue ?? "?"): \(what)", key: file) }
        guard let id = json["id"]?.stringValue, let format = json["format"]?.stringValue, let store = json["store"]?.stringValue,
              let expected = json["expected"], let outcome = expected["outcome"]?.stringValue, let writer = json["writer"]
        else { throw fail("needs id, format, store, expected.outcome and writer") }
        self.id = id
        self.format = format
        self.store = store
        requirements = json["requirements"]?.arrayValue?.compactMap(\.stringValue) ?? []
        node = json["node"]?.stringValue ?? ""
        consolidated = json["consolidated"]?.boolValue ?? false
        switch outcome {
        case "read":
            guard let sha = expected["sha256"]?.stringValue, let shape = expected["shape"]?.arrayValue?.compactMap(\.intValue) else {
                throw fail("a readable case needs expected.sha256 and expected.shape")
            }
            self.expected = .read(sha256: sha, shape: shape)
        case "refuse":
            self.expected = .refuse(reason: expected["reason"]?.stringValue ?? "")
        default: throw fail("unknown outcome '\(outcome)'")
        }
        validateFindings = expected["validate"]?.arrayValue?.compactMap(\.stringValue)
        self.writer = writer["name"]?.stringValue ?? "?"
        writerVersion = writer["version"]?.stringValue ?? "?"
        script = writer["script"]?.stringValue ?? ""
        sourceNode = json["data"]?["node"]?.stringValue
    }
}

public enum Catalog {
    /// Every case of every `*.json` file in `vectors/catalog`, sorted by id.
    public static func load(vectors: String) throws -> [Case] {
        let dir = vectors + "/catalog"
        let files = (try? FileManager.default.contentsOfDirectory(atPath: dir))?.filter { $0.hasSuffix(".json") }.sorted() ?? []
        var cases: [Case] = []
        for file in files {
            guard let data = FileManager.default.contents(atPath: dir + "/" + file) else { continue }
            let json = try JSON.parse(Array(data))
            for entry in json["cases"]?.arrayValue ?? [] { cases.append(try Case(json: entry, file: file)) }
        }
        return cases.sorted { $0.id < $1.id }
    }
}
