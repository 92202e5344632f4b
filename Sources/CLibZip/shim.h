#include <zip.h>

/// The commands a read-only source answers (`ZIP_SOURCE_SUPPORTS_READABLE`, a macro Swift cannot use).
static inline zip_int64_t bankgate_zip_readable_commands(void) {
    return ZIP_SOURCE_SUPPORTS_READABLE;
}
