#include <sqlite3.h>

/// Process-wide SQLite settings, applied once before the first connection is opened.
///
/// - Memory statistics off: with them on (SQLite's default), every allocation SQLite makes takes a
///   process-wide mutex to keep the counters, which bankgate never reads.
/// - Multi-thread mode: each connection is used by one thread at a time (bankgate's store gives
///   every connection its own thread), so SQLite need not lock connections itself.
///
/// `sqlite3_config` is variadic, which Swift cannot call, hence this inline wrapper. Returns
/// SQLITE_OK, or SQLITE_MISUSE when SQLite was already initialized (the settings then stay as
/// they were, which is safe, only slower).
static inline int bankgate_sqlite3_configure(void) {
    int rc = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    if (rc != SQLITE_OK) return rc;
    return sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
}
