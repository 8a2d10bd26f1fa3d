// A carrier moves wire frames between this endpoint and the relay over one
// HTTP way (stream mode or poll mode, direct or through a proxy). It may break
// at any time; the session stream above it replaces it and recovers
// (docs/PROTOCOL.md, sections 3 and 4). Nothing above SessionStream sees it.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

#include "wire/frame.h"

namespace session {

// The carrier broke (connection reset, proxy error, HTTP error...). what() is
// a sentence for a person; `fatal` means retrying cannot help (e.g. the
// session token was refused, the proxy denied CONNECT).
class CarrierError : public std::runtime_error {
public:
    CarrierError(const std::string& what, bool fatal = false)
        : std::runtime_error(what), fatal(fatal) {}
    // A carrier retiring on purpose (a better mode works again), not an
    // outage: the session replaces it without showing "reconnecting".
    static CarrierError retiring(const std::string& why) {
        CarrierError e(why);
        e.planned = true;
        return e;
    }
    bool fatal;
    bool planned = false;
    int http_status = 0;  // the HTTP answer that ended the carrier, if that was it
    // The proxy refused to CONNECT (403, 405, 501): the one error after
    // which an admin-allowed plain-HTTP route may be tried (tunnel/routes.h).
    bool connect_refused = false;
};

// Threading: one thread may be in send() while another is in receive();
// close() may be called from any thread and makes both return/throw soon.
class Carrier {
public:
    virtual ~Carrier() = default;

    // Queues whole encoded frames (wire::append_*) for the relay. Blocks while
    // the carrier's outgoing buffer is full. Throws CarrierError when broken.
    // By value: a caller that moves its batch in saves a copy of every byte.
    virtual void send(std::string frames) = 0;

    // Waits up to `timeout` for the next frame from the relay. Returns false
    // on timeout. Throws CarrierError when broken (including "nothing
    // arrived for 3 heartbeat intervals").
    virtual bool receive(wire::Frame& out, std::chrono::milliseconds timeout) = 0;

    // Stops both directions; idempotent.
    virtual void close() = 0;

    // For status lines and logs, e.g. "stream mode through proxy 10.0.0.1:3128".
    virtual std::string describe() const = 0;
};

// Connects a new carrier for a session token (blocking; throws CarrierError).
using CarrierFactory = std::function<std::unique_ptr<Carrier>()>;

}  // namespace session
