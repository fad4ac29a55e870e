import Glibc

/// Waiting for one descriptor with `poll` and a relative timeout, the one way the server's own
/// threads wait for time to pass (see PeriodicTask for why never an absolute deadline).
enum DescriptorWait {
    /// Whether `fd` became ready for `events` (POLLIN, POLLOUT) within `limit`, rounded up to
    /// whole milliseconds so a wait never ends a moment early.
    static func ready(_ fd: Int32, for events: Int32, within limit: Duration) -> Bool {
        let (seconds, attoseconds) = max(.zero, limit).components
        let milliseconds = Int32(clamping: seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
        var waiting = pollfd(fd: fd, events: Int16(events), revents: 0)
        return poll(&waiting, 1, milliseconds) > 0 && waiting.revents & Int16(events) != 0
    }
}
