/// `ocop-bench load`: one endpoint, one run, one report.
enum LoadCommand {
    /// Builds the requests from the options, runs the load and prints the result.
    static func run(_ options: LoadOptions, interrupt: Interrupt? = nil) throws(BenchError) {
        let endpoint = try Endpoint(url: options.url)
        var targets = [endpoint.target]
        if let file = options.pathsFile {
            targets = try Files.readText(file).split(whereSeparator: { $0 == "\n" || $0 == "\r\n" })
                .map { String($0.filter { $0 != "\r" }) }
                .filter { !$0.isEmpty && !$0.hasPrefix("#") }
            guard !targets.isEmpty else { throw BenchError("\(file) holds no paths") }
            guard targets.allSatisfy({ $0.hasPrefix("/") }) else { throw BenchError("every path in \(file) must start with /") }
        }
        var headers = options.headers
        if options.bodyIsJSON && !headers.contains(where: { $0.name.lowercased() == "content-type" }) {
            headers.append(("Content-Type", "application/json"))
        }
        var requests: [RequestTemplate] = []
        for target in targets {
            requests.append(try RequestTemplate(method: options.method, target: target, host: endpoint.hostHeader,
                                                headers: headers, body: options.body))
        }
        let config = LoadConfig(endpoint: endpoint, requests: requests, connections: options.connections,
                                threads: options.threads, duration: options.duration, requestLimit: nil,
                                timeout: options.timeout, interrupt: interrupt)
        let result = LoadGenerator.run(config)
        let memory = options.serverPID.flatMap { ProcessMemory.read(pid: $0) }
        if options.json {
            print(Report.json(result, method: options.method, url: options.url, memory: memory))
        } else {
            let title = "\(options.method) \(options.url)" + (targets.count > 1 ? " (\(targets.count) paths)" : "")
            print(Report.text(result, title: title, memory: memory))
        }
    }
}
