// TEST ONLY (--capture-dir): appends the payload of every forwarded
// end-to-end frame to DIR/<session id>.<desk-to-client|client-to-desk>, so
// that end-to-end encryption tests can check that only ciphertext crossed
// the relay. Disabled when the directory is empty.
#pragma once

#include <mutex>
#include <string>

#include "relay/session.h"
#include "wire/frame.h"

namespace relay {

class Capture {
public:
    explicit Capture(std::string dir) : dir_(std::move(dir)) {}
    bool enabled() const { return !dir_.empty(); }
    void record(const std::string& short_id, Side from, const wire::Frame& f);

private:
    std::string dir_;
    std::mutex mutex_;
};

}  // namespace relay
