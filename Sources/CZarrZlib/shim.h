#include <zlib.h>
// deflateInit2 and inflateInit2 are macros; Swift sees these wrappers instead.
static inline int zarr_deflate_init2(z_streamp s, int level, int window_bits) {
    return deflateInit2(s, level, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY);
}
static inline int zarr_inflate_init2(z_streamp s, int window_bits) { return inflateInit2(s, window_bits); }
