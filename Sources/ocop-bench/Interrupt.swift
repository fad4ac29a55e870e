#if canImport(Glibc)
import Glibc
#endif
import CLinux
import Synchronization

/// Ctrl-C / SIGTERM as a flag: the first signal asks every run to stop early (so
/// the suite can still stop the server and remove its temp dir, and `load` can
/// still print what it measured); a second one exits at once.
final class Interrupt: Sendable {
    private let raisedFlag = Atomic<Bool>(false)

    /// Whether a shutdown signal arrived. Cheap enough to poll per loop iteration.
    var raised: Bool { raisedFlag.load(ordering: .relaxed) }

    private init() {}

    /// Blocks SIGINT/SIGTERM/SIGHUP in this thread (and so in every thread started
    /// after it) and starts one thread that collects them with sigwait.
    /// Must be called before any other thread is started.
    static func install() -> Interrupt {
        let interrupt = Interrupt()
        guard clinux_block_shutdown_signals() == 0 else { return interrupt }
        // The watcher is never joined: it lives until a signal or process exit.
        WorkerThread {
            var count = 0
            while clinux_wait_signal() > 0 {
                count += 1
                if count > 1 { _exit(130) }
                Files.writeStandardError("ocop-bench: interrupted, stopping (again to quit at once)\n")
                interrupt.raisedFlag.store(true, ordering: .relaxed)
            }
        }.detach()
        return interrupt
    }
}
