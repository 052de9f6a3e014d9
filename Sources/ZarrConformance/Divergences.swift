import Foundation
import ZarrCore

/// A documented divergence of another implementation from the spec (`Vectors/divergences.json`).
public struct Divergence: Sendable {
    public var reader: String
    public var casePattern: String
    /// More texts any of which may be contained in the case id (`case` given as a list).
    public var otherPatterns: [String] = []
    public var format: String
    public var requirement: String
    public var note: String

    public func matches(_ cell: CellResult) -> Bool {
        cell.reader == reader && cell.format == format && ([casePattern] + otherPatterns).contains { cell.caseID.contains($0) }
    }

    public static func load(vectors: String) throws -> [Divergence] {
        let path = vectors + "/divergences.json"
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let json = try JSON.parse(Array(data))
        return (json["divergences"]?.arrayValue ?? []).compactMap { d in
            guard let reader = d["reader"]?.stringValue else { return nil }
            // `case` is one text or a list of texts; a cell matches when its id contains any.
            let patterns = d["case"]?.stringValue.map { [$0] } ?? d["case"]?.arrayValue?.compactMap(\.stringValue) ?? []
            guard let first = patterns.first else { return nil }
            return Divergence(reader: reader, casePattern: first, otherPatterns: Array(patterns.dropFirst()), format: d["format"]?.stringValue ?? "",
                              requirement: d["requirement"]?.stringValue ?? "", note: d["note"]?.stringValue ?? "")
        }
    }
}

/// A Zarr 3.1 feature and whether each implementation accepts it, as measured on the spec cases
/// (`v31_features` in `Vectors/divergences.json`).
public struct FeatureSupport: Sendable {
    public var feature: String
    public var requirement: String
    public var casePattern: String
    /// Implementation label → "yes", "no" or "n/a" (with any remark).
    public var accepts: [(String, String)]

    public static func load(vectors: String) throws -> (about: String, features: [FeatureSupport]) {
        guard let data = FileManager.default.contents(atPath: vectors + "/divergences.json") else { return ("", []) }
        let json = try JSON.parse(Array(data))
        let features = (json["v31_features"]?.arrayValue ?? []).compactMap { f -> FeatureSupport? in
            guard let feature = f["feature"]?.stringValue, let accepts = f["accepts"]?.objectValue else { return nil }
            return FeatureSupport(feature: feature, requirement: f["requirement"]?.stringValue ?? "", casePattern: f["case"]?.stringValue ?? "",
                                  accepts: accepts.map { ($0.key, $0.value.stringValue ?? "") })
        }
        return (json["v31_features_about"]?.stringValue ?? "", features)
    }

    static func markdown(about: String, _ features: [FeatureSupport]) -> String {
        guard let first = features.first else { return "" }
        let implementations = first.accepts.map(\.0)
        var md = "\n### Zarr 3.1 features each implementation accepts\n\n\(about)\n\n"
        md += "| feature | requirement | cases | " + implementations.joined(separator: " | ") + " |\n"
        md += "|---|---|---|" + implementations.map { _ in "---|" }.joined() + "\n"
        for f in features {
            let cells = implementations.map { name in f.accepts.first { $0.0 == name }?.1 ?? "" }
            md += "| \(f.feature) | \(f.requirement) | \(f.casePattern) | " + cells.joined(separator: " | ") + " |\n"
        }
        return md
    }
}
