#ifndef INTERCOM_ETL_CZLIB_SHIM_H
#define INTERCOM_ETL_CZLIB_SHIM_H
#include <zlib.h>

// zlib's init functions are macros that Swift cannot import; these wrappers expose them.
static inline int czlib_inflateInit2(z_streamp strm, int windowBits) {
    return inflateInit2(strm, windowBits);
}

static inline int czlib_deflateInit2(z_streamp strm, int level, int windowBits) {
    return deflateInit2(strm, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY);
}
#endif
