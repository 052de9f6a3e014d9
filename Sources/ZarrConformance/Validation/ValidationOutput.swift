import Foundation
import ZarrCore

/// The validator's report as text, JSON, JUnit or SARIF.
public enum ValidationOutput {
    public static func text(_ report: Validator.Report, path: String) -> String {
        var out = ""
        for f in report.findings {
            let only = Rules.rule(f.rule).versions != nil ? "; Zarr \(f.specVersion)" : ""
            out += "\(f.severity.rawValue): \(f.rule) [\(f.spec)\(only)] \(f.path.isEmpty ? path : f.path): \(f.message)\n"
            if f.severity != .info, !Rules.hint(f.rule).isEmpty { out += "  fix: \(Rules.hint(f.rule))\n" }
        }
        let errors = report.findings.filter { $0.severity == .error }.count, warnings = report.findings.filter { $0.severity == .warning }.count
        out += "\(report.nodes) nodes, \(report.chunks) chunks: \(errors) errors, \(warnings) warnings\n"
        return out
    }

    public static func findingJSON(_ f: Finding) -> JSON {
        .object(JSONObject([("rule", .string(f.rule)), ("severity", .string(f.severity.rawValue)), ("path", .string(f.path)),
                            ("message", .string(f.message)), ("spec", .string(f.spec)), ("spec_version", .string(f.specVersion)),
                            ("hint", .string(Rules.hint(f.rule)))]))
    }

    public static func json(_ report: Validator.Report, valid: Bool) -> JSON {
        .object(JSONObject([("valid", .bool(valid)), ("nodes", .int(report.nodes)), ("chunks", .int(report.chunks)),
                            ("findings", .array(report.findings.map(findingJSON)))]))
    }

    /// One test case per rule: a rule with error findings fails, with warnings it is skipped.
    public static func junit(_ report: Validator.Report, path: String) -> String {
        func esc(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
                .replacingOccurrences(of: "\"", with: "&quot;")
        }
        let byRule = Dictionary(grouping: report.findings, by: \.rule)
        let failures = Rules.all.filter { byRule[$0.id]?.contains { $0.severity == .error } ?? false }.count
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"zarr-conformance validate\">\n"
        xml += "  <testsuite name=\"\(esc(path))\" tests=\"\(Rules.all.count)\" failures=\"\(failures)\">\n"
        for rule in Rules.all {
            xml += "    <testcase classname=\"\(esc(rule.spec))\" name=\"\(rule.id)\">"
            if let found = byRule[rule.id] {
                let text = found.map { "\($0.path): \($0.message)" }.joined(separator: "\n")
                if rule.severity == .error { xml += "<failure message=\"\(esc(rule.summary))\">\(esc(text))</failure>" }
                else if rule.severity == .warning { xml += "<skipped message=\"\(esc(rule.summary + ": " + text))\"/>" }
            }
            xml += "</testcase>\n"
        }
        return xml + "  </testsuite>\n</testsuites>\n"
    }

    /// SARIF 2.1.0, for code-scanning dashboards.
    public static func sarif(_ report: Validator.Report, path: String) -> JSON {
        let rules: [JSON] = Rules.all.map { r in
            .object(JSONObject([("id", .string(r.id)), ("shortDescription", ["text": .string(r.summary)]), ("help", ["text": .string(Rules.hint(r.id))]),
                                ("properties", ["checklist": .string(r.spec)]),
                                ("defaultConfiguration", ["level": .string(r.severity == .info ? "note" : r.severity.rawValue)])]))
        }
        let results: [JSON] = report.findings.map { f in
            .object(JSONObject([
                ("ruleId", .string(f.rule)), ("level", .string(f.severity == .info ? "note" : f.severity.rawValue)), ("message", ["text": .string(f.message)]),
                ("properties", ["spec_version": .string(f.specVersion)]),
                ("locations", [["physicalLocation": ["artifactLocation": ["uri": .string(f.path.isEmpty ? path : path + "/" + f.path)]]]]),
            ]))
        }
        let run: JSON = .object(JSONObject([("tool", ["driver": .object(JSONObject([("name", "zarr-conformance"), ("version", .string(OurReader.version)),
                                                                                    ("rules", .array(rules))]))]), ("results", .array(results))]))
        return .object(JSONObject([("$schema", "https://json.schemastore.org/sarif-2.1.0.json"), ("version", "2.1.0"), ("runs", .array([run]))]))
    }
}
