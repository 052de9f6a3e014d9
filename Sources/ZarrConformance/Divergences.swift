import Foundation
import ZarrCore

/// A documented divergence of another implementation from the spec (`Vectors/divergences.json`).
public struct Divergence: Sendable {
    public var reader: String
    public var casePattern: String
    public var format: String
    public var requirement: String
    public var note: String

    public func matches(_ cell: CellResult) -> Bool {
        cell.reader == reader && cell.format == format && cell.caseID.contains(casePattern)
    }

    public static func load(vectors: String) throws -> [Divergence] {
        let path = vectors + "/divergences.json"
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let json = try JSON.parse(Array(data))
        return (json["divergences"]?.arrayValue ?? []).compactMap { d in
            guard let reader = d["reader"]?.stringValue, let pattern = d["case"]?.stringValue else { return nil }
            return Divergence(reader: reader, casePattern: pattern, format: d["format"]?.stringValue ?? "",
                              requirement: d["requirement"]?.stringValue ?? "", note: d["note"]?.stringValue ?? "")
        }
    }
}
