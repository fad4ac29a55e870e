import CLinux

/// Shutdown signals collected synchronously by one thread (sigwait), so no
/// async-signal-unsafe code ever runs inside a signal handler.
public enum ProcessSignals {
    /// Call on the main thread before starting any other thread: threads inherit the mask,
    /// so SIGTERM/SIGINT/SIGHUP stay pending until `waitForShutdown` takes them.
    public static func blockShutdownSignals() {
        _ = clinux_block_shutdown_signals()
        clinux_ignore_sigpipe()
    }

    /// Blocks until SIGTERM, SIGINT or SIGHUP arrives; returns its number.
    public static func waitForShutdown() -> Int32 {
        clinux_wait_signal()
    }
}
