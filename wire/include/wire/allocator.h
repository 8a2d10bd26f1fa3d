// Allocator settings for processes that stream bulk data through Tether.
#pragma once

namespace wire {

// Call once at the start of main(), before threads start. Every program that
// moves session bytes (tether-relay, the endpoints, the benchmarks that embed
// them) calls it.
//
// Why: frames and batches are 64 KiB to 512 KiB strings, allocated on one
// thread and freed on another. With glibc's defaults, a freed batch at the
// top of a thread's heap is handed back to the kernel (madvise) and the next
// one faults its pages in again, and batches just above the dynamic mmap
// threshold get a fresh mmap each. Measured (bench/session, 512 MiB over
// loopback): the relay spent ~60% of its time in madvise and page faults,
// 4.3-4.9 CPU s/GiB; with these settings 1.8-1.9 CPU s/GiB, and a raw
// session moved 430-460 MiB/s instead of 210-270.
//
// Cost: each malloc arena (at most 8 per core) may keep up to 4 MiB of
// freed memory instead of returning it at once. No effect outside glibc.
void tune_allocator_for_streaming();

}  // namespace wire
