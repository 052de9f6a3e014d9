import FuzzDriver
import ZarrFuzzing

/// libFuzzer's entry point: one input through `FuzzHarness.metadata`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { FuzzDriver.input(data, size, FuzzHarness.metadata) }

@main enum Main { static func main() { FuzzDriver.run(fuzz) } }
