/// `--name value` and `--flag` options after a subcommand, parsed by hand
/// (no third-party argument parser; the grammar is small).
struct CommandLineArguments {
    private(set) var options: [(name: String, value: String?)] = []
    private(set) var positional: [String] = []

    /// Options that take no value.
    static let switches: Set<String> = ["demo", "help", "h"]

    init(_ arguments: ArraySlice<String>) throws(UsageError) {
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            guard argument.hasPrefix("-") else {
                positional.append(argument)
                continue
            }
            var name = String(argument.drop(while: { $0 == "-" }))
            if let eq = name.firstIndex(of: "=") {
                options.append((String(name[..<eq]), String(name[name.index(after: eq)...])))
                continue
            }
            if Self.switches.contains(name) {
                options.append((name, nil))
                continue
            }
            // `--port --db x`: the next option is not this one's value (it read as a stray `x`).
            guard let value = iterator.next(), !value.hasPrefix("--") else {
                throw UsageError(message: "option --\(name) needs a value")
            }
            name = name.replacingAll("_", with: "-")
            options.append((name, value))
        }
    }

    mutating func remove(_ names: Set<String>) {
        options.removeAll { names.contains($0.name) }
    }

    func value(_ name: String) -> String? { options.last { $0.name == name }?.value }
    func has(_ name: String) -> Bool { options.contains { $0.name == name } }
}

/// A mistake on the command line: printed with the usage, exit status 2.
struct UsageError: Error {
    let message: String
}

/// A command that understood its arguments and will not do what they ask (a backup onto an
/// existing file, a database that is not there): exit status 2, one line; the usage would bury it.
struct Refusal: Error {
    let message: String
}

extension String {
    func replacingAll(_ target: Character, with replacement: Character) -> String {
        String(map { $0 == target ? replacement : $0 })
    }
}
