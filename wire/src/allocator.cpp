#include "wire/allocator.h"

#include <cstddef>  // defines __GLIBC__ on glibc (via <features.h>): test it only after this

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace wire {

void tune_allocator_for_streaming() {
#if defined(__GLIBC__)
    // Units: bytes. Setting either also turns off glibc's dynamic adjustment
    // of both, which is what made the thresholds move under load.
    mallopt(M_MMAP_THRESHOLD, 1024 * 1024);  // blocks below 1 MiB come from the heap
    mallopt(M_TRIM_THRESHOLD, 4 * 1024 * 1024);  // keep up to 4 MiB free at a heap's top
#endif
}

}  // namespace wire
