#ifndef ZARR_CRC32C_H
#define ZARR_CRC32C_H
#include <stddef.h>
#include <stdint.h>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78). `crc` is the running value
/// (0 to start); pre- and post-inversion are done inside.
uint32_t zarr_crc32c(uint32_t crc, const void *data, size_t length);
/// 1 when the SSE4.2 instruction path is in use on this CPU.
int zarr_crc32c_hardware(void);
uint32_t zarr_crc32c_portable(uint32_t crc, const void *data, size_t length);
#endif
