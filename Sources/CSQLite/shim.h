#include <sqlite3.h>

// SQLITE_TRANSIENT is a macro that casts -1 to a function pointer, which
// Swift cannot import; expose it as a function so bound text is copied.
static inline sqlite3_destructor_type csqlite_transient(void) {
    return SQLITE_TRANSIENT;
}

// sqlite3_config is variadic, which Swift cannot call. Turns off SQLite's
// memory statistics, which otherwise take a process-wide mutex around every
// allocation (malloc.html#memstatus): every connection contends on it. Must
// run before the first connection opens; returns SQLITE_MISUSE afterwards.
static inline int csqlite_disable_memstatus(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
