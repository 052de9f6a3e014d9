import Foundation
import ZarrCore

/// Why two arrays differ, whatever their formats, codecs, chunking or locations: shape, data
/// type and fill value, then values — how many elements and chunks differ, and the first few
/// differing indices with both values. NaN equals NaN; floats may be given a tolerance.
public struct ArrayDiff: Sendable {
    public struct Example: Sendable {
        public var index: [Int]
        public var a: JSON
        public var b: JSON
    }

    public var shape: (a: [Int], b: [Int])
    public var dataType: (a: JSON, b: JSON)
    public var fillValue: (a: JSON, b: JSON)
    /// nil when values were not compared (shapes differ, or types that cannot be compared).
    public var comparedElements: Int?
    public var differingElements = 0
    /// Chunks of the first array's grid holding at least one differing element.
    public var differingChunks = 0
    public var examples: [Example] = []
    public var note: String?

    public var identical: Bool {
        shape.a == shape.b && comparedElements != nil && differingElements == 0
    }

    /// Elements compared per read: both arrays are read in the same blocks of rows.
    static let blockBytes = 64 << 20

    public static func compare(_ a: ZarrArray, _ b: ZarrArray, tolerance: Double = 0, maxExamples: Int = 10) throws -> ArrayDiff {
        var diff = ArrayDiff(shape: (a.shape, b.shape), dataType: (NodeInfo.dataTypeJSON(a), NodeInfo.dataTypeJSON(b)),
                             fillValue: (a.elementsJSON(.fixedOrVariable(a.fillValue.bytes, a.dataType)).first ?? .null,
                                         b.elementsJSON(.fixedOrVariable(b.fillValue.bytes, b.dataType)).first ?? .null))
        guard a.shape == b.shape else { diff.note = "shapes differ: values not compared"; return diff }
        let sameType = a.dataType == b.dataType
        guard sameType || (Numeric(a.dataType) != nil && Numeric(b.dataType) != nil) else {
            diff.note = "data types differ and are not both numeric: values not compared"
            return diff
        }
        let shape = a.shape, rank = shape.count
        let rowElements = shape.dropFirst().reduce(1, *)
        let itemBytes = max(a.dataType.itemSize ?? 16, b.dataType.itemSize ?? 16, 1)
        let rowsPerBlock = rank == 0 ? 1 : max(1, blockBytes / max(rowElements * itemBytes, 1))
        var chunks = Set<[Int]>()
        let locators = (0..<rank).map { a.grid.locator(axis: $0) }
        let strides = (0..<rank).map { d in shape[(d + 1)...].reduce(1, *) }
        var compared = 0, start = 0
        let rows = rank == 0 ? 1 : shape[0]
        repeat {
            let stop = min(start + rowsPerBlock, rows)
            let selection = rank == 0 ? [] : [Slice(start, stop)] + shape.dropFirst().map { Slice.all($0) }
            let (va, vb) = (try a.read(selection), try b.read(selection))
            let count = rank == 0 ? 1 : (stop - start) * rowElements
            let base = rank == 0 ? 0 : start * rowElements
            for i in 0..<count where !Self.equal(va, vb, i, a.dataType, b.dataType, sameType: sameType, tolerance: tolerance) {
                diff.differingElements += 1
                var rest = base + i, index = [Int]()
                for d in 0..<rank { index.append(rest / strides[d]); rest %= strides[d] }
                chunks.insert((0..<rank).map { locators[$0](index[$0]).chunk })
                if diff.examples.count < maxExamples {
                    diff.examples.append(Example(index: index, a: a.elementsJSON(va.element(i, a.dataType)).first ?? .null,
                                                 b: b.elementsJSON(vb.element(i, b.dataType)).first ?? .null))
                }
            }
            compared += count
            start = stop
        } while start < rows
        diff.comparedElements = compared
        diff.differingChunks = chunks.count
        return diff
    }

    static func equal(_ a: ChunkData, _ b: ChunkData, _ i: Int, _ ta: DataType, _ tb: DataType, sameType: Bool, tolerance: Double) -> Bool {
        if let na = Numeric(ta), let nb = Numeric(tb), case .fixed(let ba) = a, case .fixed(let bb) = b {
            let x = na.value(ba, i), y = nb.value(bb, i)
            if x.isNaN || y.isNaN { return x.isNaN && y.isNaN }
            return x == y || abs(x - y) <= tolerance
        }
        guard sameType else { return false }
        switch (a, b) {
        case (.fixed(let ba), .fixed(let bb)):
            let n = ta.itemSize ?? 0
            return ba[i * n..<(i + 1) * n] == bb[i * n..<(i + 1) * n]
        case (.variable(let ia), .variable(let ib)): return ia[i] == ib[i]
        default: return false
        }
    }

    /// Reads numbers of one numeric type out of canonical (little-endian) bytes.
    struct Numeric {
        let width: Int
        let read: (UInt64) -> Double

        init?(_ type: DataType) {
            switch type {
            case .bool: (width, read) = (1, { Double($0) })
            case .uint(let bits): (width, read) = (bits / 8, { Double($0) })
            case .int(let bits):
                (width, read) = (bits / 8, { v in Double(Int64(bitPattern: v << UInt64(64 - bits)) >> Int64(64 - bits)) })
            case .float(32): (width, read) = (4, { Double(Float(bitPattern: UInt32(truncatingIfNeeded: $0))) })
            case .float(64): (width, read) = (8, { Double(bitPattern: $0) })
            case .float(16): (width, read) = (2, { Double(Float16(bitPattern: UInt16(truncatingIfNeeded: $0))) })
            default: return nil
            }
        }

        func value(_ bytes: [UInt8], _ i: Int) -> Double {
            var v: UInt64 = 0
            for k in 0..<width { v |= UInt64(bytes[i * width + k]) << (8 * UInt64(k)) }
            return read(v)
        }
    }

    /// A report as text, one line per fact (the `diff` command's output).
    public var text: String {
        func show(_ j: JSON) -> String { j.serialized() }
        var lines: [String] = []
        lines.append(shape.a == shape.b ? "shape: \(shape.a) (both)" : "shape: \(shape.a) ≠ \(shape.b)")
        lines.append(dataType.a == dataType.b ? "data type: \(show(dataType.a)) (both)" : "data type: \(show(dataType.a)) ≠ \(show(dataType.b))")
        lines.append(fillValue.a == fillValue.b ? "fill value: \(show(fillValue.a)) (both)" : "fill value: \(show(fillValue.a)) ≠ \(show(fillValue.b))")
        if let note { lines.append(note) }
        if let compared = comparedElements {
            lines.append("values: \(differingElements) of \(compared) elements differ, in \(differingChunks) chunks")
            for e in examples { lines.append("  \(e.index): \(show(e.a)) ≠ \(show(e.b))") }
            if differingElements > examples.count { lines.append("  … \(differingElements - examples.count) more") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public var json: JSON {
        func ints(_ v: [Int]) -> JSON { .array(v.map { .int($0) }) }
        var o = JSONObject()
        o["identical"] = .bool(identical)
        o["shape"] = .array([ints(shape.a), ints(shape.b)])
        o["data_type"] = .array([dataType.a, dataType.b])
        o["fill_value"] = .array([fillValue.a, fillValue.b])
        o["compared_elements"] = comparedElements.map { .int($0) } ?? .null
        o["differing_elements"] = .int(differingElements)
        o["differing_chunks"] = .int(differingChunks)
        o["examples"] = .array(examples.map { .object(JSONObject([("index", ints($0.index)), ("a", $0.a), ("b", $0.b)])) })
        if let note { o["note"] = .string(note) }
        return .object(o)
    }
}

extension ChunkData {
    /// One element of `type` as its own ChunkData.
    static func fixedOrVariable(_ bytes: [UInt8], _ type: DataType) -> ChunkData {
        type.isVariableLength ? .variable([bytes]) : .fixed(bytes)
    }

    func element(_ i: Int, _ type: DataType) -> ChunkData {
        switch self {
        case .fixed(let b):
            let n = type.itemSize ?? 0
            return .fixed(Array(b[i * n..<(i + 1) * n]))
        case .variable(let items): return .variable([items[i]])
        }
    }
}
