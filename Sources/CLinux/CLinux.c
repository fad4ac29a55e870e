#define _GNU_SOURCE
#include "CLinux.h"
#include <string.h>
#include <fcntl.h>
#include <errno.h>
#include <pthread.h>
#include <malloc.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>

int clinux_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data) {
    struct epoll_event ev;
    ev.events = events;
    ev.data.u64 = data;
    return epoll_ctl(epfd, op, fd, &ev);
}

int clinux_epoll_wait(int epfd, uint64_t *datas, uint32_t *events, int maxevents, int timeout_ms) {
    struct epoll_event evs[256];
    if (maxevents > 256) maxevents = 256;
    int n = epoll_wait(epfd, evs, maxevents, timeout_ms);
    for (int i = 0; i < n; i++) {
        datas[i] = evs[i].data.u64;
        events[i] = evs[i].events;
    }
    return n;
}

static void shutdown_set(sigset_t *set) {
    sigemptyset(set);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGHUP);
}

int clinux_block_shutdown_signals(void) {
    sigset_t set;
    shutdown_set(&set);
    return pthread_sigmask(SIG_BLOCK, &set, NULL);
}

int clinux_wait_signal(void) {
    sigset_t set;
    shutdown_set(&set);
    int sig = 0;
    int rc;
    do { rc = sigwait(&set, &sig); } while (rc == EINTR);
    return rc == 0 ? sig : -1;
}

void clinux_ignore_sigpipe(void) {
    signal(SIGPIPE, SIG_IGN);
}

void clinux_ignore_user_signals(void) {
    signal(SIGUSR1, SIG_IGN);
    signal(SIGUSR2, SIG_IGN);
}

int clinux_setsockopt_int(int fd, int level, int name, int value) {
    return setsockopt(fd, level, name, &value, sizeof(value));
}

int clinux_set_nonblocking(int fd) {
    int flags = fcntl(fd, F_GETFL, 0);
    if (flags < 0) return -1;
    return fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

int clinux_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags) {
    return accept4(fd, addr, len, flags);
}

void clinux_set_thread_name(const char *name) {
    char buf[16];
    strncpy(buf, name, 15);
    buf[15] = 0;
    pthread_setname_np(pthread_self(), buf);
}

int clinux_limit_malloc_arenas(int arenas) {
    return mallopt(M_ARENA_MAX, arenas);
}

long clinux_resident_bytes(void) {
    int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    char buf[128];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return -1;
    buf[n] = 0;
    long size = 0, resident = 0;
    if (sscanf(buf, "%ld %ld", &size, &resident) != 2) return -1;
    return resident * sysconf(_SC_PAGESIZE);
}

void clinux_trim_free_memory(void) {
    malloc_trim(0);
}

long clinux_free_heap_bytes(void) {
    struct mallinfo2 info = mallinfo2();
    return (long)info.fordblks;
}

int clinux_unsent_bytes(int fd) {
    int unsent = 0;
    return ioctl(fd, SIOCOUTQ, &unsent) == 0 ? unsent : -1;
}

int clinux_write_back(int fd) {
    return sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
}
