#include <string.h>
#include <lzma.h>
// LZMA_STREAM_INIT and the filter ids are macros.
static inline void zarr_lzma_stream_init(lzma_stream *s) { lzma_stream init = LZMA_STREAM_INIT; *s = init; }
static inline lzma_vli zarr_lzma_filter_lzma1(void) { return LZMA_FILTER_LZMA1; }
static inline lzma_vli zarr_lzma_filter_lzma2(void) { return LZMA_FILTER_LZMA2; }
static inline lzma_vli zarr_lzma_filter_delta(void) { return LZMA_FILTER_DELTA; }
static inline lzma_vli zarr_lzma_vli_unknown(void) { return LZMA_VLI_UNKNOWN; }
static inline uint32_t zarr_lzma_concatenated(void) { return LZMA_CONCATENATED; }
