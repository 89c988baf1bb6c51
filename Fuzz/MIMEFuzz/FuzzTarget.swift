// libFuzzer entry for the MIME reader. Not a SwiftPM target: scripts/fuzz-mime.sh compiles it
// with `-sanitize=fuzzer,address` against Sources/MIME, so the package's own build is unaffected.

/// Called by libFuzzer once per input. A crash, an address-sanitizer report, a hang past
/// `-timeout` or a broken invariant (a trap below) is saved as an artifact.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    if let broken = FuzzRead.readEverything(bytes) {
        // A trap, so libFuzzer keeps the input like any other crash.
        fatalError("MIME invariant broken: \(broken)")
    }
    return 0
}
