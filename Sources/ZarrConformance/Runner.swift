import Foundation
import ZarrCore

/// Runs the writer × reader matrix over the catalog.
public struct Runner {
    public var vectors: String
    public var workDirectory: String
    public var peers: [Peer]
    public var filter: (Case) -> Bool = { _ in true }
    public var progress: (String) -> Void = { _ in }

    public init(vectors: String, workDirectory: String, peers: [Peer]) {
        self.vectors = vectors
        self.workDirectory = workDirectory
        self.peers = peers
    }

    /// Other kinds of store this implementation also reads every committed fixture from (zip,
    /// HTTP, S3): a label and how a case's store opens there. Each is a reader column of its own,
    /// "NAME via LABEL", that must agree with the directory.
    public var otherStores: [(label: String, open: @Sendable (Case) throws -> any ReadableStore)] = []

    /// The committed fixtures as they sit on an S3 server (`run --store-kinds s3`): their URLs
    /// and the variables that reach it. Peers that declare `"stores": ["s3"]` read them there too,
    /// each a reader column "PEER via s3" beside its directory column.
    public struct S3Fixtures: Sendable {
        public var url: @Sendable (Case) -> String
        public var environment: [String: String]
        public init(url: @escaping @Sendable (Case) -> String, environment: [String: String]) { (self.url, self.environment) = (url, environment) }
    }
    public var s3Fixtures: S3Fixtures?

    /// Manifests to materialise and judge alongside (or, with `onlyProposals`, instead of) the catalog.
    public var proposals: [Proposal] = []
    public var onlyProposals = false

    public func run() throws -> [CellResult] {
        var cases = onlyProposals ? [] : try Catalog.load(vectors: vectors).filter(filter)
        var results: [CellResult] = []
        let work = workDirectory.hasPrefix("/") ? workDirectory : FileManager.default.currentDirectoryPath + "/" + workDirectory
        var materialized: [(Proposal, Case)] = []
        for p in proposals {
            let root = work + "/proposed/" + p.id.replacingOccurrences(of: "/", with: "_")
            do {
                let c = try p.materialize(at: root)
                cases.append(c)
                materialized.append((p, c))
            } catch {
                results.append(CellResult(caseID: p.id, format: p.format, family: "proposed", writer: OurReader.label, reader: OurReader.label,
                                          outcome: .error, message: "cannot write the manifest's store: \(error)", requirements: p.requirements))
            }
        }
        // Writer adapters write every manifest's store; everyone (this implementation included)
        // then reads it against the manifest's expectation.
        for peer in peers where peer.writeCommand != nil && peer.isAvailable {
            let mine = materialized.filter { peer.formats.contains($0.1.format) && !$0.1.expected.isRefusal }
            progress("\(peer.label) writes \(mine.count) manifests")
            let outcomes = try Parallel.map(mine.count) { i -> (Case, Result<Void, PeerError>) in
                let (p, ours) = mine[i]
                var c = ours
                c.id = "\(ours.format)/\(peer.label)/\(ours.name)"
                c.writer = peer.name
                c.writerVersion = peer.version
                c.store = work + "/" + peer.label + "/" + ours.format + "/" + ours.name + ".zarr"
                return (c, peer.write(manifest: p.file, to: c.store))
            }
            for (c, outcome) in outcomes {
                switch outcome {
                case .success: cases.append(c)
                case .failure(let e):
                    results.append(CellResult(caseID: c.id, format: c.format, family: c.family, writer: c.writerLabel, reader: c.writerLabel,
                                              outcome: e.unsupported ? .unsupported : .error, message: e.message, requirements: c.requirements))
                }
            }
        }
        cases = cases.filter(filter)
        func cell(_ c: Case, writer: String, reader: String, _ verdict: (Outcome, String)) -> CellResult {
            CellResult(caseID: c.id, format: c.format, family: c.family, writer: writer, reader: reader,
                       outcome: verdict.0, message: verdict.1, requirements: c.requirements)
        }

        // 1. Our implementation reads every committed fixture.
        progress("reading \(cases.count) fixtures")
        let ourReads = try Parallel.map(cases.count) { i -> (Outcome, String) in
            let c = cases[i]
            return OurReader.judge(c, OurReader.read(store: c.storePath(vectors: vectors), node: c.node, consolidated: c.consolidated, format: c.format))
        }
        for (c, verdict) in zip(cases, ourReads) { results.append(cell(c, writer: c.writerLabel, reader: OurReader.label, verdict)) }
        results += readFixtures(cases.filter { Self.isCopyable($0.storePath(vectors: vectors)) && $0.storePath(vectors: vectors).hasPrefix(vectors + "/fixtures/") })

        // 2. Our implementation writes every readable fixture again (once per case name); we read it back.
        //    Materialised proposals are ours already: peers read them as they are.
        var seen = Set<String>()
        let writable = zip(cases, ourReads).filter { c, v in
            v.0 == .pass && !c.expected.isRefusal && c.writer != OurReader.name && seen.insert(c.format + "/" + c.name).inserted
        }.map(\.0)
        progress("writing \(writable.count) cases")
        var written: [(Case, String, Case)] = []  // (our case, its store, the fixture it came from)
        let writes = try Parallel.map(writable.count) { i -> (Case, String, Result<Void, Error>) in
            let c = writable[i]
            let destination = workDirectory + "/" + OurReader.label + "/" + c.format + "/" + c.name + ".zarr"
            return (c, destination, Result { try OurWriter.rewrite(c, from: c.storePath(vectors: vectors), to: destination) })
        }
        for (c, destination, outcome) in writes {
            let ourCase = c.renamed(writer: OurReader.name, version: OurReader.version)
            switch outcome {
            case .success:
                written.append((ourCase, destination, c))
                let verdict = OurReader.judge(ourCase, OurReader.read(store: destination, node: c.node, consolidated: c.consolidated, format: c.format))
                results.append(cell(ourCase, writer: OurReader.label, reader: OurReader.label, verdict))
            case .failure(let e):
                results.append(cell(ourCase, writer: OurReader.label, reader: OurReader.label, (.error, "write failed: \(e)")))
            }
        }

        // 3. Each peer reads what we wrote and every other writer's fixtures (peer-to-peer cells).
        var stores: [String: (store: String, c: Case)] = [:]  // (case id, writer) → the store a cell read
        for c in cases { stores[c.id + "\u{0}" + c.writerLabel] = (c.storePath(vectors: vectors), c) }
        for (c, destination, _) in written { stores[c.id + "\u{0}" + OurReader.label] = (destination, c) }
        for peer in peers where peer.isReader {
            let ours = written.filter { peer.formats.contains($0.0.format) }
            let fixtures = cases.filter { peer.formats.contains($0.format) && $0.writerLabel != peer.label }
            guard peer.isAvailable else {
                let why = "unavailable: " + (peer.unavailable ?? "")
                for (c, _, _) in ours { results.append(cell(c, writer: OurReader.label, reader: peer.label, (.skipped, why))) }
                continue
            }
            progress("\(peer.label) reads \(ours.count) of our stores and \(fixtures.count) fixtures")
            let requests = ours.map { Peer.Request(id: $0.0.id, store: $0.1, node: $0.0.node, consolidated: $0.0.consolidated, format: $0.0.format) }
                + fixtures.map { Peer.Request(id: $0.id, store: $0.storePath(vectors: vectors), node: $0.node, consolidated: $0.consolidated, format: $0.format) }
            let answers = try peer.read(requests)
            for (c, _, source) in ours {
                var result = cell(c, writer: OurReader.label, reader: peer.label, Self.judgePeer(c, answers[c.id]))
                result.source = source.id
                results.append(result)
            }
            for c in fixtures {
                var result = cell(c, writer: c.writerLabel, reader: peer.label, Self.judgePeer(c, answers[c.id]))
                if c.writer == OurReader.name { result.source = CellResult.manifest }  // a peer's verdict on a proposal
                results.append(result)
            }
        }
        // 3b. Peers that read S3 read the committed fixtures from the S3 server as well.
        if let s3 = s3Fixtures {
            let committed = cases.filter { $0.storePath(vectors: vectors).hasPrefix(vectors + "/fixtures/") && Self.isCopyable($0.storePath(vectors: vectors)) }
            for var peer in peers where peer.isReader && peer.isAvailable && peer.stores.contains("s3") {
                let mine = committed.filter { peer.formats.contains($0.format) }
                progress("\(peer.label) reads \(mine.count) fixtures via s3")
                peer.environment.merge(s3.environment) { _, new in new }
                let answers = try peer.read(mine.map { Peer.Request(id: $0.id, store: s3.url($0), node: $0.node, consolidated: $0.consolidated, format: $0.format) })
                for c in mine { results.append(cell(c, writer: c.writerLabel, reader: peer.label + " via s3", Self.judgePeer(c, answers[c.id]))) }
            }
        }
        // 4. Mismatches say where the values differ, not only that two hashes do.
        explainMismatches(&results, stores: stores)
        return results
    }

    static func judgePeer(_ c: Case, _ answer: Result<(String, [Int]), PeerError>?) -> (Outcome, String) {
        switch answer {
        case nil: return (.error, "the peer gave no answer")
        case .success(let v):
            if v.0 == Peer.unverified, !c.expected.isRefusal {
                return (.error, "the adapter printed \(v.1.first ?? 0) values, which cannot be checked: this implementation cannot read the store (give the adapter --digest)")
            }
            return OurReader.judge(c, .success(v))
        case .failure(let e):
            if e.mismatch { return (c.expected.isRefusal ? .accepted : .mismatch, e.message) }
            if case .refuse = c.expected { return (.refused, e.message) }
            if e.unsupported { return (.unsupported, e.message) }
            return (.error, e.message)
        }
    }


    /// Every committed fixture read again from each of `otherStores`, sixteen at a time (the
    /// reads wait on requests, not on the cores).
    func readFixtures(_ fixtures: [Case]) -> [CellResult] {
        var out: [CellResult] = []
        for kind in otherStores {
            progress("reading \(fixtures.count) fixtures via \(kind.label)")
            let cells = CellBox(count: fixtures.count)
            let group = DispatchGroup(), slots = DispatchSemaphore(value: 16)
            for (i, c) in fixtures.enumerated() {
                slots.wait()
                DispatchQueue.global().async(group: group) {
                    defer { slots.signal() }
                    let result: Result<(String, [Int]), ZarrError>
                    do { result = OurReader.read(in: try kind.open(c), node: c.node, consolidated: c.consolidated, format: c.format) }
                    catch { result = .failure(error as? ZarrError ?? ZarrError(.storage, "\(error)")) }
                    let verdict = OurReader.judge(c, result)
                    let cell = CellResult(caseID: c.id, format: c.format, family: c.family, writer: c.writerLabel, reader: OurReader.label + " via " + kind.label,
                                          outcome: verdict.0, message: verdict.1, requirements: c.requirements)
                    cells.set(i, cell)
                }
            }
            group.wait()
            out += cells.all
        }
        return out
    }

    /// Whether every file of a store can be read from a directory, and so copied to another kind
    /// of store (the ST-10 fixture holds a link loop on purpose).
    public static func isCopyable(_ root: String) -> Bool {
        (FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? []).allSatisfy { file in
            var isDirectory: ObjCBool = false
            let path = root + "/" + file
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && (isDirectory.boolValue || FileManager.default.isReadableFile(atPath: path))
        }
    }
}

extension Case {
    func renamed(writer: String, version: String) -> Case {
        var c = self
        c.id = "\(format)/\(writer)-\(version)/\(name)"
        c.writer = writer
        c.writerVersion = version
        return c
    }
}

extension Case.Expectation {
    var isRefusal: Bool { if case .refuse = self { return true } else { return false } }
}

/// Cells filled in from several threads.
private final class CellBox: @unchecked Sendable {  // `cells` is guarded by `lock`
    private let lock = NSLock()
    private var cells: [CellResult?]
    init(count: Int) { cells = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ cell: CellResult) { lock.withLock { cells[i] = cell } }
    var all: [CellResult] { lock.withLock { cells.compactMap { $0 } } }
}
