import Foundation

/// The normal build's driver: runs every file of the given corpus directories (or
/// single files) through `ParserFuzz.check`, so the corpus and any saved crash
/// serve as a regression suite without libFuzzer.
enum CorpusReplay {
    /// The seed corpus of `target` committed beside this file, replayed when no path is given.
    static func defaultCorpus(_ target: FuzzTarget) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(target.seedDirectory).path
    }

    /// Replays `arguments` (paths); returns the process exit status: 0 if every input
    /// passed, 1 if one broke a property, 2 on a usage or I/O error.
    static func run(arguments: [String]) -> Int32 {
        if arguments.contains(where: { $0 == "-h" || $0 == "--help" }) {
            print("usage: ocop-fuzz [--target request|json|csv] [--show] [corpus-dir-or-file ...]")
            print("  --target  the parser the inputs are for (default request; seeds: \(defaultCorpus(.request)))")
            print("  --show    also print what the request parser made of each input")
            return 0
        }
        var arguments = arguments
        var target = FuzzTarget.request
        if let flag = arguments.firstIndex(of: "--target") {
            guard flag + 1 < arguments.count, let named = FuzzTarget(rawValue: arguments[flag + 1]) else {
                printError("ocop-fuzz: --target takes one of \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))")
                return 2
            }
            target = named
            arguments.removeSubrange(flag...(flag + 1))
        }
        let show = arguments.contains("--show") && target == .request
        let paths = arguments.filter { $0 != "--show" }
        let roots = paths.isEmpty ? [defaultCorpus(target)] : paths
        var files: [String] = []
        for root in roots {
            guard let found = inputs(at: root) else {
                printError("ocop-fuzz: cannot read \(root)")
                return 2
            }
            files += found
        }
        var broken = 0
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                printError("ocop-fuzz: cannot read \(file)")
                return 2
            }
            // A returned failure rather than a throw through Data's rethrowing closure:
            // Swift 6.3.1's IRGen crashes on a typed throw passed through it.
            let failure = data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> FuzzFailure? in
                do throws(FuzzFailure) {
                    try target.check(bytes)
                    return nil
                } catch {
                    return error
                }
            }
            if show { describe(file, data) }
            if let failure {
                printError("FAIL \(file): \(failure)")
                broken += 1
            }
        }
        print("replayed \(files.count) inputs, \(broken) broke a property")
        return broken == 0 ? 0 : 1
    }

    /// The regular files at `path` (itself, or the files directly inside it), sorted; nil if unreadable.
    private static func inputs(at path: String) -> [String]? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
        guard isDirectory.boolValue else { return [path] }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return nil }
        return names.sorted().map { path + "/" + $0 }.filter {
            var nested: ObjCBool = false
            return FileManager.default.fileExists(atPath: $0, isDirectory: &nested) && !nested.boolValue
        }
    }

    /// Prints the events of feeding `data` whole: what each seed is for, at a glance.
    private static func describe(_ file: String, _ data: Data) {
        let trace = data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> FeedTrace? in
            try? Feeder(limits: ParserFuzz.limits).feed(bytes, cuts: [])
        }
        print("\(file):")
        for event in trace?.events ?? [] { print("  \(event)") }
        if let trace, trace.unconsumed > 0 { print("  (\(trace.unconsumed) bytes left unconsumed)") }
    }

    private static func printError(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
