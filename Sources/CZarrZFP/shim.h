#include <zfp.h>
// Debian's libzfp-dev ships no pkg-config file: the module map links "zfp" directly.
