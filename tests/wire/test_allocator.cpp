// wire::tune_allocator_for_streaming must really change glibc's settings: a
// first version tested __GLIBC__ before any header defined it and compiled
// to nothing, which only a profile of the relay showed.
//
// A plain main, not Catch2: the check needs a process in which nothing has
// freed a large mmapped block yet (glibc then raises its mmap threshold by
// itself, which would hide a tuning that did nothing).
#include <cstddef>
#include <cstdio>
#include <cstdlib>

#include "wire/allocator.h"

#if defined(__GLIBC__)
#include <malloc.h>

// True when a block of `kib` KiB came from its own mmap.
static bool block_is_mmapped(std::size_t kib) {
    const std::size_t before = mallinfo2().hblks;
    void* block = std::malloc(kib * 1024);
    const std::size_t during = mallinfo2().hblks;
    std::free(block);
    return block == nullptr || during != before;
}

int main() {
    // The check must be able to fail, so first without the tuning: glibc's
    // default threshold is 128 KiB, and a 600 KiB block is mmapped. Its
    // free() raises glibc's dynamic threshold to about 600 KiB.
    if (!block_is_mmapped(600)) {
        std::puts("FAIL: with glibc's defaults a 600 KiB block was not mmapped; the check proves nothing");
        return 1;
    }
    // 1000 KiB: above that raised threshold, below the tuned one (1 MiB).
    wire::tune_allocator_for_streaming();
    if (block_is_mmapped(1000)) {
        std::puts("FAIL: after tune_allocator_for_streaming() a 1000 KiB block was still mmapped");
        return 1;
    }
    std::puts("ok: glibc's defaults mmap a 600 KiB block; after the tuning a 1000 KiB block comes from the heap");
    return 0;
}
#else
int main() {
    wire::tune_allocator_for_streaming();
    std::puts("ok: not glibc, the tuning is a no-op");
    return 0;
}
#endif
