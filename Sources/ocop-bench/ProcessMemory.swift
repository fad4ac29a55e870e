#if canImport(Glibc)
import Glibc
#endif

/// A process's resident memory as the kernel reports it in /proc/PID/status.
struct ProcessMemory: Sendable {
    /// Peak resident set size (VmHWM), in KiB.
    let peakKiB: Int
    /// Current resident set size (VmRSS), in KiB.
    let currentKiB: Int

    /// Reads VmHWM and VmRSS; nil when the process is gone or not readable.
    static func read(pid: Int32) -> ProcessMemory? {
        guard let text = try? Files.readText("/proc/\(pid)/status") else { return nil }
        var peak: Int? = nil
        var current: Int? = nil
        for line in text.split(separator: "\n") {
            if line.hasPrefix("VmHWM:") { peak = kibibytes(line) }
            if line.hasPrefix("VmRSS:") { current = kibibytes(line) }
        }
        guard let peak, let current else { return nil }
        return ProcessMemory(peakKiB: peak, currentKiB: current)
    }

    /// Resets the peak to the current RSS, so the next reading is the peak of what
    /// follows ("5" in /proc/PID/clear_refs, Linux ≥ 4.0, see proc(5)). Best effort.
    @discardableResult
    static func resetPeak(pid: Int32) -> Bool {
        (try? Files.writeExisting("5\n", to: "/proc/\(pid)/clear_refs")) != nil
    }

    /// "VmHWM:\t  12345 kB" → 12345.
    private static func kibibytes(_ line: Substring) -> Int? {
        let digits = line.drop { !$0.isNumber }.prefix { $0.isNumber }
        return Int(digits)
    }
}
