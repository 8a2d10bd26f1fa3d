// The three ways compared by bench_poll, all through the same squid on
// 127.0.0.1. Each joins a `near` end (where the benchmark receives the bulk
// and sends pings) to a `far` end (where it sends the bulk and echoes); both
// ends live in this process as Links, so that one measurement code drives
// all three ways.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "support/relay_fixture.h"
#include "support/squid.h"
#include "tunnel/transport.h"

namespace bench_poll {

// One end of a way: blocking, reliable bytes (SessionStream or a TCP socket).
class Link {
public:
    virtual ~Link() = default;
    virtual void write(const char* p, std::size_t n) = 0;  // all n bytes; throws on failure
    virtual std::size_t read(char* p, std::size_t n) = 0;  // 0: the other side finished
    virtual void abort() = 0;  // any thread: blocked read()/write() return or throw soon
};

class Way {
public:
    virtual ~Way() = default;  // stops whatever the way started (streams, processes)
    virtual Link& near() = 0;
    virtual Link& far() = 0;
    // For the report: what actually carried the bytes (e.g. the carrier).
    virtual std::string describe() const = 0;
};

// A desk (near) / client (far) SessionStream pair of one fresh session at
// `relay`, both through `squid`, transport pinned to `mode` (stream or poll).
// Returns once both sides are connected (bounded; throws otherwise).
std::unique_ptr<Way> tether_way(const test_support::Squid& squid, const test_support::Relay& relay,
                                tunnel::TransportMode mode);

// GNU httptunnel: `htc` (near: we connect to its local TCP port) through
// squid to `hts`, which forwards to a listener of ours (far: our bulk source
// and echo server). htc runs with -S (strict content length: pads every POST
// to its announced length, the setting for proxies that wait for whole bodies).
std::unique_ptr<Way> httptunnel_way(const test_support::Squid& squid);

}  // namespace bench_poll
