import Foundation
import ZarrCore

/// Where a mismatch lies: instead of two hashes, the first differing index with both values and
/// how many elements differ. The other side's values are the canonical bytes its digest is
/// taken over (written by `Vectors/peers/read.py` on request); ours come from reading the same
/// store here.
enum MismatchDetail {
    /// Cells explained per run, and the largest array read for it.
    static let maxCells = 50
    static let maxBytes = 64 << 20

    /// One sentence comparing `theirs` (canonical bytes, as `who` read the store) with what this
    /// implementation reads there; nil when it cannot be compared.
    static func explain(store: String, node: String, consolidated: Bool, theirs: [UInt8], who: String) -> String? {
        guard case .array(let array)? = try? ZarrNode.open(store: FilesystemStore(root: store), path: node, consolidated: consolidated),
              array.shape.reduce(Double(array.dataType.itemSize ?? 16), { $0 * Double($1) }) <= Double(maxBytes),
              let ours = try? array.read()
        else { return nil }
        let theirItems: [[UInt8]]
        let ourItems: [[UInt8]]
        switch ours {
        case .fixed(let bytes):
            guard let size = array.dataType.itemSize, size > 0 else { return nil }
            guard theirs.count == bytes.count else { return "\(who) read \(theirs.count) bytes of values, this implementation \(bytes.count)" }
            (theirItems, ourItems) = (Self.split(theirs, size), Self.split(bytes, size))
        case .variable(let items):
            guard let parsed = Self.lengthPrefixed(theirs), parsed.count == items.count else { return nil }
            (theirItems, ourItems) = (parsed, items)
        }
        let differing = (0..<ourItems.count).filter { theirItems[$0] != ourItems[$0] }
        guard let first = differing.first else { return "the values \(who) read equal this implementation's" }
        var rest = first, index = [Int]()
        for d in 0..<array.shape.count {
            let stride = array.shape[(d + 1)...].reduce(1, *)
            index.append(rest / stride)
            rest %= stride
        }
        func show(_ item: [UInt8]) -> String {
            (array.elementsJSON(array.dataType.isVariableLength ? .variable([item]) : .fixed(item)).first ?? .null).serialized()
        }
        return "first difference at \(index): \(who) \(show(theirItems[first])), \(OurReader.label) \(show(ourItems[first])); \(differing.count) of \(ourItems.count) elements differ"
    }

    static func split(_ bytes: [UInt8], _ size: Int) -> [[UInt8]] {
        stride(from: 0, to: bytes.count, by: size).map { Array(bytes[$0..<$0 + size]) }
    }

    /// Canonical variable-length elements: u32 LE byte length, then the bytes.
    static func lengthPrefixed(_ bytes: [UInt8]) -> [[UInt8]]? {
        var out: [[UInt8]] = [], i = 0
        while i < bytes.count {
            guard bytes.count - i >= 4 else { return nil }
            let n = Int(bytes[i]) | Int(bytes[i + 1]) << 8 | Int(bytes[i + 2]) << 16 | Int(bytes[i + 3]) << 24
            i += 4
            guard n <= bytes.count - i else { return nil }
            out.append(Array(bytes[i..<i + n]))
            i += n
        }
        return out
    }
}

extension Runner {
    /// Adds the detail to mismatch cells: a peer's mismatch compares its values with ours on the
    /// same store; our mismatch on a peer's fixture compares ours with that writer's read-back.
    func explainMismatches(_ results: inout [CellResult], stores: [String: (store: String, c: Case)]) {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("values-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        var byPeer: [String: [(cell: Int, request: Peer.Request)]] = [:]
        for (i, r) in results.enumerated() where r.outcome == .mismatch {
            guard byPeer.values.reduce(0, { $0 + $1.count }) < MismatchDetail.maxCells, let (store, c) = stores[r.caseID + "\u{0}" + r.writer] else { continue }
            // The other side: the reading peer, or for our own reads the peer that wrote the fixture.
            let other = r.reader == OurReader.label ? r.writer : r.reader
            guard let peer = peers.first(where: { $0.label == other && $0.isAvailable && $0.isReader && $0.adapterProtocol == .batch && $0.formats.contains(c.format) }) else { continue }
            let request = Peer.Request(id: "\(i)", store: store, node: c.node, consolidated: c.consolidated, format: c.format,
                                       values: scratch + "/\(i).bin")
            byPeer[peer.label, default: []].append((i, request))
        }
        for (label, items) in byPeer {
            guard let peer = peers.first(where: { $0.label == label }), let answers = try? peer.read(items.map(\.request)) else { continue }
            for (cell, request) in items {
                guard case .success? = answers[request.id], let values = request.values,
                      let theirs = FileManager.default.contents(atPath: values),
                      let detail = MismatchDetail.explain(store: request.store, node: request.node, consolidated: request.consolidated,
                                                          theirs: [UInt8](theirs), who: label)
                else { continue }
                results[cell].message += " — " + detail
            }
        }
    }
}
