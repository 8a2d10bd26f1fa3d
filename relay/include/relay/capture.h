// TEST ONLY (--capture-dir): appends the payload of every forwarded
// end-to-end frame to DIR/<session id>.<desk-to-client|client-to-desk>, so
// that end-to-end encryption tests can check that only ciphertext crossed
// the relay. Disabled when the directory is empty.
// TEST ONLY (--tamper-offset): flips the lowest bit of the desk's
// session-stream byte at that offset in the first data frame that carries
// it, once per session: a relay that alters traffic, for the tests that the
// end-to-end layer detects it.
#pragma once

#include <mutex>
#include <set>
#include <string>

#include "relay/session.h"
#include "wire/frame.h"

namespace relay {

class Capture {
public:
    Capture(std::string dir, long long tamper_offset = -1)
        : dir_(std::move(dir)), tamper_offset_(tamper_offset) {}
    bool enabled() const { return !dir_.empty(); }
    void record(const std::string& short_id, Side from, const wire::Frame& f);
    void tamper(const std::string& short_id, Side from, wire::Frame& f);

private:
    std::string dir_;
    long long tamper_offset_;
    std::set<std::string> tampered_;  // sessions already altered
    std::mutex mutex_;
};

}  // namespace relay
