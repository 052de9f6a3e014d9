#include <zstd.h>
#include <zstd_errors.h>
// ZSTD_CONTENTSIZE_UNKNOWN / _ERROR are macros.
static inline unsigned long long zarr_zstd_contentsize_unknown(void) { return ZSTD_CONTENTSIZE_UNKNOWN; }
static inline unsigned long long zarr_zstd_contentsize_error(void) { return ZSTD_CONTENTSIZE_ERROR; }
