// Two builds of one target. A normal `swift build` makes a corpus replay driver
// (`@main` below). The fuzz build (`.ci/fuzz-parser`: `--sanitize=fuzzer
// --sanitize=address -Xswiftc -DOCOP_FUZZ`) compiles the target as a library
// linked with libFuzzer, whose own `main` calls `LLVMFuzzerTestOneInput`; a
// second `main` there would not link, hence the compile-time switch.
#if OCOP_FUZZ

/// libFuzzer's per-input hook: a broken property becomes a crash, which libFuzzer
/// reports and saves as a reproducer.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzParser(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size)
    do {
        try FuzzTarget.current.check(input)
    } catch {
        fatalError("\(FuzzTarget.current.rawValue) parser property broken: \(error)")
    }
    return 0
}

#else

import Foundation

/// Replays corpus files through the same checks as the fuzzer, for CI and for reproducing crashes.
@main
struct FuzzReplayMain {
    static func main() {
        exit(CorpusReplay.run(arguments: Array(CommandLine.arguments.dropFirst())))
    }
}

#endif
