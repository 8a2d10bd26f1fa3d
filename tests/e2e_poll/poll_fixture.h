// Shared pieces of the poll-mode end-to-end tests (issue 3): a desk and a
// client session stream paired through a real relay, with a given way to
// reach it (transport policy), and exact-bytes transfers both ways.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "support/process.h"
#include "support/temp_dir.h"
#include "session/session_stream.h"
#include "tunnel/transport.h"

namespace e2e_poll {

// Both ends of one session. Status lines of each side are recorded.
struct Pair {
    std::unique_ptr<session::SessionStream> desk, client;
    std::shared_ptr<std::vector<std::string>> desk_log, client_log;  // "state: detail", guarded by log_mu
    std::shared_ptr<std::mutex> log_mu = std::make_shared<std::mutex>();
    std::vector<std::string> desk_states() const {
        std::lock_guard<std::mutex> lk(*log_mu);
        return *desk_log;
    }
    std::string desk_detail() const { return desk->status().detail; }
    std::string client_detail() const { return client->status().detail; }
};

// Creates a session at the relay and connects both sides with `policy`.
// Returns once both sides report `connected` (bounded; throws otherwise).
Pair make_pair(const tunnel::EndpointConfig& cfg, const tunnel::TransportPolicy& policy);

// Sends `bytes` desk -> client and `bytes` (other content) client -> desk at
// the same time; returns true when both sides received exactly what was sent.
// `midway` runs once when about half has crossed (e.g. restart the proxy).
bool exchange(Pair& p, std::size_t bytes, const std::function<void()>& midway = {});

// A self-signed certificate and key for relay.tether.test / 127.0.0.1, for
// intermediaries that terminate TLS (nginx). Returns {cert, key}.
std::pair<std::string, std::string> make_cert(const test_support::TempDir& dir);

// A CA certificate and key, as a TLS-inspecting corporate proxy has (squid
// ssl-bump signs its forged server certificates with it). Returns {cert, key}.
std::pair<std::string, std::string> make_ca(const test_support::TempDir& dir);

// A tether-relay serving plain HTTP on 127.0.0.1:<port> (poll over plain HTTP).
struct PlainRelay {
    PlainRelay();
    std::string url() const;
    test_support::TempDir dir{"tether-relay-plain"};
    std::unique_ptr<test_support::Process> proc;
    int port = 0;
    std::string key;  // its public request key (proxy.conf relay_key), from its log
};

}  // namespace e2e_poll
