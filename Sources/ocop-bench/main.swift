#if canImport(Glibc)
import Glibc
#endif
import CLinux

// A peer that closes mid-write must surface as EPIPE, never kill the bench.
clinux_ignore_sigpipe()
Files.raiseDescriptorLimit()
// Before any thread starts, so every thread inherits the blocked signal mask.
let interrupt = Interrupt.install()

do {
    switch try CLI.parse(Array(CommandLine.arguments.dropFirst())) {
    case .help(let text):
        print(text)
    case .load(let options):
        try LoadCommand.run(options, interrupt: interrupt)
    case .run(let options):
        // Each suite starts its own server on a fresh database, so neither sees the other's rows.
        if options.suite.includesProducers { try Suite(options: options, interrupt: interrupt).run() }
        if options.suite.includesProducts {
            try ProductSuite(options: options, interrupt: interrupt).run(appendToOut: options.suite == .all)
        }
        if options.suite.includesInventory {
            try InventorySuite(options: options, interrupt: interrupt).run(appendToOut: options.suite == .all)
        }
        if options.suite.includesOverview {
            try OverviewSuite(options: options, interrupt: interrupt).run(appendToOut: options.suite == .all)
        }
    case .crash(let options):
        try CrashCheck(options: options, interrupt: interrupt).run()
    case .soak(let options):
        try SoakCheck(options: options, interrupt: interrupt).run()
    }
} catch {
    Files.writeStandardError("ocop-bench: \(error)\n")
    exit(1)
}
