import Glibc
import OCOPAPI

/// Entry point: dispatch the subcommand, turn errors into a message and an exit status.
System.openMissingStandardDescriptors()
let arguments = CommandLine.arguments.dropFirst()
let environment = System.environment
let status: Int32
do {
    guard let command = arguments.first else { throw UsageError(message: "missing command") }
    let args = try CommandLineArguments(arguments.dropFirst())
    // Checked before `--help`, so `ocop bgus --help` names the slip rather than printing help and exiting 0.
    guard let run = Commands.table[command] else { throw UsageError(message: "unknown command \(command)") }
    if args.has("help") || args.has("h") {
        // `serve --help` adds every setting it takes; the other commands take few enough for the usage.
        print(Commands.usage + (command == "serve" ? "\n" + Configuration.settingsHelp : ""))
        status = 0
    } else {
        status = try run(args, environment)
    }
} catch let error as UsageError {
    Commands.log("ocop: \(error.message)\n\n\(Commands.usage)")
    status = 2
} catch let error as Refusal {
    Commands.log("ocop: \(error.message)")
    status = 2
} catch let error as Configuration.Invalid {
    Commands.log("ocop: configuration: \(error.description)")
    status = 78   // EX_CONFIG
} catch {
    Commands.log("ocop: \(error)")
    status = 1
}
exit(status)
