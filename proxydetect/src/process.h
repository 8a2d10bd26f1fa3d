// Reaping child processes without hanging on them (internal).
#pragma once

#include <sys/types.h>

#include <chrono>

namespace proxydetect {

// Waits up to `budget` for `pid` to exit by itself (pidfd + poll, no
// sleeping loop), then SIGKILLs it if it is still running, and reaps it.
// Returns the waitpid status. Used after a child closed its output: it is
// usually exiting, and killing it early would hide its real exit status.
int reap_within(pid_t pid, std::chrono::milliseconds budget);

}  // namespace proxydetect
