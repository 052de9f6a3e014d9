import Foundation
import ZarrConformance

/// Progress on a terminal (one rewritten line); plain lines on stderr otherwise. Colours and
/// bars only on a terminal, and never when NO_COLOR is set (https://no-color.org).
enum Progress {
    static var fancy: Bool { isatty(STDOUT_FILENO) == 1 && (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty }

    static func reporter() -> (String) -> Void {
        guard fancy else { return { FileHandle.standardError.write(Data("… \($0)\n".utf8)) } }
        var step = 0
        return { message in
            step += 1
            let bar = String(repeating: "█", count: min(step, 12)) + String(repeating: "░", count: max(0, 12 - step))
            FileHandle.standardOutput.write(Data("\r\u{1B}[2K\(bar) \(message)".utf8))
            if message.isEmpty { FileHandle.standardOutput.write(Data("\n".utf8)) }
        }
    }

    /// For proposals: every implementation's verdict on each case, one line each.
    static func printVerdicts(_ results: [CellResult]) {
        if fancy { print("") }
        for id in Set(results.map(\.caseID)).sorted() {
            print(id)
            for cell in results.filter({ $0.caseID == id }).sorted(by: { $0.reader < $1.reader }) {
                print("  \(cell.reader.padding(toLength: 26, withPad: " ", startingAt: 0)) \(cell.outcome.rawValue.padding(toLength: 17, withPad: " ", startingAt: 0)) \(cell.message.prefix(140))")
            }
        }
    }
}
