#include <libdeflate.h>
// libdeflate 1.14 has no run-time version query; its header's version is what the build saw.
static inline const char *zarr_libdeflate_version(void) { return LIBDEFLATE_VERSION_STRING; }
