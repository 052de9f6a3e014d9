import Foundation
import XCTest
@testable import ZarrConformance
import ZarrCore

/// Every fixture, damaged in deterministic ways: reading must end in a value or a typed error,
/// never a crash or a hang (a crash would end this test process).
final class CorruptionSweepTests: XCTestCase {
    struct LCG {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(max(bound, 1)))
        }
    }

    func mutations(_ bytes: [UInt8], _ rng: inout LCG) -> [[UInt8]] {
        guard !bytes.isEmpty else { return [[0xFF]] }
        var flipped = bytes
        for _ in 0..<3 { flipped[rng.next(bytes.count)] ^= UInt8(1 + rng.next(255)) }
        return [Array(bytes.prefix(rng.next(bytes.count))), flipped, bytes + [UInt8](repeating: 0xA5, count: 1 + rng.next(64)),
                [UInt8](repeating: 0xFF, count: bytes.count)]
    }

    func testDamagedChunksAndMetadataNeverCrash() throws {
        var rng = LCG(state: 20261121)
        let fm = FileManager.default
        let work = NSTemporaryDirectory() + "sweep-\(UUID().uuidString)"
        defer { try? fm.removeItem(atPath: work) }
        var outcomes: [Outcome: Int] = [:]
        for c in try Catalog.load(vectors: FixtureTests.vectors) where !c.expected.isRefusal {
            let source = FixtureTests.vectors + "/" + c.store
            let files = try FilesystemStore(root: source).list(prefix: "")
            let chunks = files.filter { !$0.hasSuffix(".zarray") && !$0.hasSuffix(".zgroup") && !$0.hasSuffix(".zattrs") && !$0.hasSuffix(".zmetadata") }
            let targets = (chunks.isEmpty ? [] : [chunks[rng.next(chunks.count)]]) + files.filter { $0.hasSuffix(".zarray") }
            for key in targets {
                let original = try FilesystemStore(root: source).get(key) ?? []
                for damaged in mutations(original, &rng) {
                    let copy = work + "/" + c.name
                    try? fm.removeItem(atPath: copy)
                    try fm.copyItem(atPath: source, toPath: copy)
                    try FilesystemStore(root: copy).set(key, damaged)
                    let (outcome, _) = OurReader.judge(c, OurReader.read(store: copy, node: c.node, consolidated: c.consolidated, format: c.format))
                    outcomes[outcome, default: 0] += 1
                }
            }
        }
        XCTAssertGreaterThan(outcomes[.error, default: 0], 300, "most damage is detected: \(outcomes)")
        XCTAssertEqual(Set(outcomes.keys).subtracting([.pass, .mismatch, .error, .unsupported]), [], "\(outcomes)")
    }
}

extension CorruptionSweepTests {
    /// Every number in every metadata document, replaced one at a time by an extreme value:
    /// reading and validating must end in a value or a finding, never a trap.
    func testExtremeNumbersInMetadataNeverCrash() throws {
        let extremes: [JSON] = [.number("0"), .number("-1"), .number("4611686018427387904"), .number("9223372036854775807"), .number("-9223372036854775808"), .number("1e308")]
        func paths(_ j: JSON, _ prefix: [String]) -> [[String]] {
            switch j {
            case .number: return [prefix]
            case .array(let a): return a.indices.flatMap { paths(a[$0], prefix + ["#\($0)"]) }
            case .object(let o): return o.flatMap { paths($0.value, prefix + [$0.key]) }
            default: return []
            }
        }
        func replace(_ j: JSON, _ path: ArraySlice<String>, _ v: JSON) -> JSON {
            guard let head = path.first else { return v }
            switch j {
            case .array(var a):
                if let i = Int(head.dropFirst()), a.indices.contains(i) { a[i] = replace(a[i], path.dropFirst(), v) }
                return .array(a)
            case .object(var o):
                if let child = o[head] { o[head] = replace(child, path.dropFirst(), v) }
                return .object(o)
            default: return j
            }
        }
        let fm = FileManager.default
        let work = NSTemporaryDirectory() + "extremes-\(UUID().uuidString)"
        defer { try? fm.removeItem(atPath: work) }
        var rng = LCG(state: 7)
        var tried = 0
        let sources = try Catalog.load(vectors: FixtureTests.vectors).filter { !$0.expected.isRefusal }
        for c in sources where rng.next(12) == 0 {  // one fixture in twelve, deterministically
            let source = c.storePath(vectors: FixtureTests.vectors)
            for key in try FilesystemStore(root: source).list(prefix: "") where ["zarr.json", ".zarray", "attributes.json"].contains((key as NSString).lastPathComponent) {
                guard let doc = try FilesystemStore(root: source).getJSON(key) else { continue }
                for path in paths(doc, []) {
                    let copy = work + "/" + c.name
                    try? fm.removeItem(atPath: copy)
                    try fm.copyItem(atPath: source, toPath: copy)
                    try FilesystemStore(root: copy).set(key, replace(doc, path[...], extremes[rng.next(extremes.count)]).bytes())
                    _ = OurReader.read(store: copy, node: c.node, consolidated: c.consolidated, format: c.format)
                    _ = try Validator().validate(root: copy)
                    tried += 1
                }
            }
        }
        XCTAssertGreaterThan(tried, 200)
    }
}
