import CLinux

/// Shutdown signals collected synchronously by one thread (sigwait), so no
/// async-signal-unsafe code ever runs inside a signal handler.
public enum ProcessSignals {
    /// Call on the main thread before starting any other thread: threads inherit the mask,
    /// so SIGTERM/SIGINT/SIGHUP stay pending until `waitForShutdown` takes them. SIGUSR1 and
    /// SIGUSR2 are ignored: by default they end the process at once, without a drain, and an
    /// operator used to nginx sends USR1 to reopen logs (ours go to stdout and stderr).
    public static func blockShutdownSignals() {
        _ = clinux_block_shutdown_signals()
        clinux_ignore_sigpipe()
        clinux_ignore_user_signals()
    }

    /// Blocks until SIGTERM, SIGINT or SIGHUP arrives; returns its number.
    public static func waitForShutdown() -> Int32 {
        clinux_wait_signal()
    }
}
