#ifndef CLINUX_H
#define CLINUX_H

// Glibc's Swift overlay hides <sys/epoll.h>, <sys/eventfd.h> and friends; this
// shim exposes them. `struct epoll_event` is packed on x86_64, which Swift
// imports awkwardly, so small wrappers pass its fields as plain integers.

#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <signal.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

/// epoll_ctl with the event's fields passed flat.
int clinux_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data);

/// epoll_wait that unpacks each ready event into two parallel arrays.
int clinux_epoll_wait(int epfd, uint64_t *datas, uint32_t *events, int maxevents, int timeout_ms);

/// Blocks SIGTERM, SIGINT and SIGHUP in the calling thread (inherited by threads it starts),
/// so that one thread can collect them with `clinux_wait_signal`.
int clinux_block_shutdown_signals(void);

/// Waits for SIGTERM, SIGINT or SIGHUP; returns the signal number or -1.
int clinux_wait_signal(void);

/// Ignores SIGPIPE for the process: a peer that vanished must not kill the server.
void clinux_ignore_sigpipe(void);

/// Ignores SIGUSR1 and SIGUSR2 for the process, whose default is to end it on the spot.
void clinux_ignore_user_signals(void);

/// Sets a socket option that takes an int.
int clinux_setsockopt_int(int fd, int level, int name, int value);

/// Writes the file's dirty pages to the device and waits until they are written, without
/// the device cache flush and journal commit of fdatasync (sync_file_range(2): no durability).
int clinux_write_back(int fd);

/// fcntl(F_GETFL/F_SETFL) is variadic in C; this sets O_NONBLOCK without varargs.
int clinux_set_nonblocking(int fd);

/// accept4(2): Glibc's Swift overlay does not export it (it is behind _GNU_SOURCE).
int clinux_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);

/// Names the calling thread (visible in top/gdb); names are cut to 15 bytes.
void clinux_set_thread_name(const char *name);
/* glibc's mallopt(M_ARENA_MAX, arenas) (malloc.h is not in Swift's Glibc module); 1 on success. */
int clinux_limit_malloc_arenas(int arenas);

/// Hands the heap memory malloc holds free back to the kernel (glibc's malloc_trim(0)).
void clinux_trim_free_memory(void);

/// Bytes malloc holds free in its heaps (glibc's mallinfo2().fordblks): what a trim could return.
long clinux_free_heap_bytes(void);

/// The process's resident set in bytes (from /proc/self/statm); -1 when it cannot be read.
long clinux_resident_bytes(void);

/// Bytes written to a TCP socket that its peer has not yet acknowledged (SIOCOUTQ); -1 on error.
int clinux_unsent_bytes(int fd);

#endif
