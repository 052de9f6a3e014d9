import Foundation
import ZarrCore

extension Reports {
    /// A self-contained page (no network): per format, writers × case families as rows, readers as
    /// columns, each cell coloured by its worst outcome and opening to its cases and messages.
    static func html(_ results: [CellResult], peers: [Peer], coverage: Coverage?, date: Date) -> String {
        func esc(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        let rank: [Outcome: Int] = [.pass: 0, .refused: 0, .skipped: 1, .unsupported: 2, .error: 3, .accepted: 4, .mismatch: 5]
        var body = "<h1>Conformance matrix</h1><p>Generated \(dateString(date)) by <code>make conformance</code>. Implementations: \(esc(OurReader.label))"
        body += peers.filter(\.isAvailable).map { ", " + esc($0.label) }.joined() + ".</p>"
        let missing = peers.filter { !$0.isAvailable }
        if !missing.isEmpty {
            body += "<p class=unavailable>Unavailable here (no cells): <ul>" + missing.map { "<li><b>\(esc($0.label))</b>: \(esc($0.unavailable ?? ""))</li>" }.joined() + "</ul></p>"
        }
        body += "<p class=legend>" + Outcome.allCases.map { "<span class='o-\($0.rawValue)'>\($0.rawValue)</span>" }.joined(separator: " ")
        body += " <label><input type=checkbox id=only> show only cells that are not all pass</label></p><ul class=summary>"
        for (o, n) in counts(results) where n > 0 { body += "<li class='o-\(o.rawValue)'>\(n) \(o.rawValue)</li>" }
        body += "</ul>"
        for format in formats(results) {
            let rows = results.filter { $0.format == format }
            let readers = Set(rows.map(\.reader)).sorted()
            body += "<h2>Zarr \(esc(format))</h2><table class=matrix><thead><tr><th>writer</th><th>family</th>"
            body += readers.map { "<th>\(esc($0))</th>" }.joined() + "</tr></thead><tbody>"
            let groups = Dictionary(grouping: rows) { "\($0.writer)\u{0}\($0.family)" }
            for key in groups.keys.sorted() {
                let cells = groups[key] ?? []
                let parts = key.split(separator: "\u{0}").map(String.init)
                let clean = cells.allSatisfy { $0.outcome == .pass || $0.outcome == .refused }
                body += "<tr class='\(clean ? "clean" : "dirty")'><td>\(esc(parts[0]))</td><td>\(esc(parts.count > 1 ? parts[1] : ""))</td>"
                for reader in readers {
                    let mine = cells.filter { $0.reader == reader }.sorted { $0.caseID < $1.caseID }
                    guard let worst = mine.max(by: { (rank[$0.outcome] ?? 0) < (rank[$1.outcome] ?? 0) }) else { body += "<td class=empty></td>"; continue }
                    let good = mine.filter { $0.outcome == .pass || $0.outcome == .refused }.count
                    body += "<td class='o-\(worst.outcome.rawValue)'><details><summary>\(good)/\(mine.count)</summary><table>"
                    for c in mine {
                        body += "<tr class='o-\(c.outcome.rawValue)'><td>\(esc(c.caseID))</td><td>\(c.outcome.rawValue)</td>"
                        body += "<td>\(esc(c.requirements.joined(separator: " ")))</td><td>\(esc(c.message))</td></tr>"
                    }
                    body += "</table></details></td>"
                }
                body += "</tr>"
            }
            body += "</tbody></table>"
        }
        if let coverage {
            body += "<h2>Coverage of the checklist's MUST / MUST NOT</h2><p>\(coverage.requirements.count - coverage.uncovered.count - coverage.explained.count) of \(coverage.requirements.count) exercised. "
            body += "Not covered: \(esc(coverage.uncovered.isEmpty ? "none" : coverage.uncovered.map(\.id).joined(separator: ", "))). "
            body += "Shown by no store (reason in conformance.md): \(esc(coverage.explained.isEmpty ? "none" : coverage.explained.map(\.id).joined(separator: ", ")))</p>"
        }
        let style = """
        body{font:13px system-ui,sans-serif;margin:1.5em;color:#222}table.matrix{border-collapse:collapse;margin-bottom:2em}
        th,td{border:1px solid #ccc;padding:3px 6px;vertical-align:top}th{background:#eee;position:sticky;top:0}
        details table{border-collapse:collapse;font-size:12px;max-width:60em}summary{cursor:pointer;font-weight:600}
        .o-pass,.o-refused{background:#d9f2d9}.o-unsupported{background:#e8e8e8}.o-skipped{background:#f4f4f4}
        .o-error{background:#ffe0b3}.o-wrongly-accepted{background:#ffd0d0}.o-mismatch{background:#ff9f9f}
        .legend span,.summary li{padding:2px 6px;margin-right:4px;display:inline-block}.summary{list-style:none;padding:0}
        body.only tr.clean{display:none}td.empty{background:#fff}
        """
        let script = """
        document.getElementById('only').addEventListener('change', function (e) { document.body.classList.toggle('only', e.target.checked); });
        document.body.dataset.ready = String(document.querySelectorAll('table.matrix').length);
        """
        return "<!doctype html><html><head><meta charset=utf-8><title>zarr-conformance matrix</title><style>\(style)</style></head><body>\(body)<script>\(script)</script></body></html>\n"
    }

    /// One test case per cell. Failures are the cells that judge this implementation; cells between
    /// other implementations that fail, unsupported and skipped cells are skipped, with their message.
    static func junit(_ results: [CellResult], judged: Set<String>, peers: [Peer] = []) -> String {
        func esc(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
                .unicodeScalars.filter { $0.value >= 0x20 || $0 == "\n" || $0 == "\t" }.map(String.init).joined()
        }
        let suites = Dictionary(grouping: results) { "\($0.format): \($0.writer) → \($0.reader)" }
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"zarr-conformance\">\n"
        if !peers.isEmpty {
            // One test case per implementation: an unavailable one is skipped, with its reason.
            let missing = peers.filter { !$0.isAvailable }.count
            xml += "  <testsuite name=\"implementations\" tests=\"\(peers.count)\" failures=\"0\" skipped=\"\(missing)\">\n"
            for p in peers {
                xml += "    <testcase classname=\"implementations\" name=\"\(esc(p.label))\">"
                if let why = p.unavailable { xml += "<skipped message=\"\(esc("unavailable: " + why))\"/>" }
                xml += "</testcase>\n"
            }
            xml += "  </testsuite>\n"
        }
        for name in suites.keys.sorted() {
            let cells = suites[name] ?? []
            func failed(_ c: CellResult) -> Bool { c.outcome.isFailure && judged.contains(c.key) }
            let failures = cells.filter(failed).count
            let skipped = cells.filter { !failed($0) && $0.outcome != .pass && $0.outcome != .refused }.count
            xml += "  <testsuite name=\"\(esc(name))\" tests=\"\(cells.count)\" failures=\"\(failures)\" skipped=\"\(skipped)\">\n"
            for c in cells.sorted(by: { $0.caseID < $1.caseID }) {
                xml += "    <testcase classname=\"\(esc(name))\" name=\"\(esc(c.caseID))\">"
                if failed(c) { xml += "<failure message=\"\(esc(c.outcome.rawValue + ": " + c.message))\"/>" }
                else if c.outcome != .pass && c.outcome != .refused { xml += "<skipped message=\"\(esc(c.outcome.rawValue + ": " + c.message))\"/>" }
                xml += "</testcase>\n"
            }
            xml += "  </testsuite>\n"
        }
        return xml + "</testsuites>\n"
    }
}

extension CellResult {
    var key: String { "\(writer) \(reader) \(caseID)" }
}
