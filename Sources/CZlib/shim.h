#include <zlib.h>

/// `inflateInit2` and `deflateInit2` are macros, which Swift cannot call: these inline wrappers pass
/// the library version and the stream size as the macros do. `window_bits` -15 is raw deflate (no
/// zlib or gzip header), the form ZIP archives hold.
static inline int bankgate_inflate_init2(z_streamp stream, int window_bits) {
    return inflateInit2(stream, window_bits);
}

static inline int bankgate_deflate_init2(z_streamp stream, int level, int window_bits) {
    return deflateInit2(stream, level, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY);
}
