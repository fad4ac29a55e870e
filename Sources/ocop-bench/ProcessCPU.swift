#if canImport(Glibc)
import Glibc
#endif

/// CPU time spent by a process and by each of its threads, read from /proc (clock ticks turned
/// into seconds). Under a shared machine's load, requests per second depend on what the others
/// run; CPU time per request much less, so the suites report both.
struct ProcessCPU {
    /// utime + stime of the whole process, in seconds.
    let process: Double
    /// Per thread id: its name and utime + stime in seconds.
    let threads: [Int32: (name: String, seconds: Double)]

    static func read(pid: Int32) -> ProcessCPU? {
        guard let whole = processSeconds(pid: pid) else { return nil }
        var threads: [Int32: (String, Double)] = [:]
        if let dir = opendir("/proc/\(pid)/task") {
            defer { closedir(dir) }
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
                }
                guard let tid = Int32(name), let cpu = seconds(statPath: "/proc/\(pid)/task/\(tid)/stat") else { continue }
                let comm = (try? Files.readText("/proc/\(pid)/task/\(tid)/comm"))?.split(separator: "\n").first.map(String.init) ?? "?"
                threads[tid] = (comm, cpu)
            }
        }
        return ProcessCPU(process: whole, threads: threads)
    }

    /// The thread that used most CPU between `earlier` and `self`: its name and seconds.
    func busiestThread(since earlier: ProcessCPU) -> (name: String, seconds: Double)? {
        threads.map { tid, now in (now.name, now.seconds - (earlier.threads[tid]?.seconds ?? 0)) }
            .max { $0.1 < $1.1 }
    }

    /// CPU seconds the process `pid` (all its threads) has used, without reading each thread:
    /// the server runs some 270 of them.
    static func processSeconds(pid: Int32) -> Double? {
        seconds(statPath: "/proc/\(pid)/stat")
    }

    /// CPU seconds this process (all its threads) has used.
    static func own() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// Fields 14 and 15 of a stat line (utime, stime), after the parenthesised command name.
    private static func seconds(statPath: String) -> Double? {
        guard let text = try? Files.readText(statPath), let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // After ")": state is field 3, so utime (14) and stime (15) are at offsets 11 and 12.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
