#include <isa-l.h>
// ISA-L has no run-time version query; its header's version is what the build saw.
static inline const char *zarr_isal_version(void) {
#define ZARR_STR2(x) #x
#define ZARR_STR(x) ZARR_STR2(x)
    return ZARR_STR(ISAL_MAJOR_VERSION) "." ZARR_STR(ISAL_MINOR_VERSION) "." ZARR_STR(ISAL_PATCH_VERSION);
#undef ZARR_STR
#undef ZARR_STR2
}
