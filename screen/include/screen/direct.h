// TEST/DEV PATH ONLY. Connects a desk and a client directly over one plain
// TCP connection, without relay, proxy or TLS, so screen tests run end to
// end without a relay. Not encrypted, not authenticated beyond the code:
// never expose it beyond loopback. Production: tunnel's session + TLS + Mux.
//
// The client sends the line "TETHER-DIRECT <code>\n"; the desk answers
// "OK\n" (then both run the session::Mux over the socket, as over the secure
// stream in production) or "NO <reason>\n" and closes.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "remote/channels.h"
#include "remote/mux_link.h"

namespace screen {

// The session around the screen lives in remote/.
using remote::SessionLink;
using remote::ClientConnector;
using remote::DeskConnector;
using remote::StatusFn;
using remote::CodeFn;
using remote::SessionCode;
using remote::MuxLink;

// Splits "host:port" (IPv4 literal or "localhost"). Throws std::invalid_argument.
std::pair<std::string, int> split_host_port(const std::string& hp);
// A check for settings::checked (--vnc-listen, --direct-listen,
// --direct-connect): throws std::invalid_argument saying what is valid.
void check_host_port(const std::string& hp);

class DirectListener {
public:
    // Binds host:port now (port 0 picks one). Throws std::runtime_error.
    explicit DirectListener(const std::string& host_port);
    ~DirectListener();
    int port() const { return port_; }
    // Blocks until a client with `code` connected, or cancel()
    // (then returns nullptr). Connections with a wrong code are refused.
    std::unique_ptr<SessionLink> accept(const std::string& code);
    void cancel();  // any thread

private:
    int fd_ = -1;
    int port_ = 0;
    std::atomic<bool> cancelled_{false};
};

// Throws std::runtime_error with a sentence for a person (refused, wrong code).
std::unique_ptr<SessionLink> direct_connect(const std::string& host_port, const std::string& code);

// The direct path behind the connector interfaces (test/dev only).
class DirectClientConnector : public ClientConnector {
public:
    explicit DirectClientConnector(std::string host_port) : host_port_(std::move(host_port)) {}
    std::unique_ptr<SessionLink> connect(const std::string& code, const StatusFn& status) override;
    void cancel() override {}  // connecting on loopback does not hang
private:
    std::string host_port_;
};

// Makes a random 6-digit code per session, like the relay would.
class DirectDeskConnector : public DeskConnector {
public:
    explicit DirectDeskConnector(std::string host_port) : host_port_(std::move(host_port)) {}
    std::unique_ptr<SessionLink> open(const CodeFn& on_code, const StatusFn& status) override;
    void cancel() override;
private:
    std::string host_port_;
    std::mutex mu_;
    DirectListener* listener_ = nullptr;  // during open()
    bool cancelled_ = false;
};

}  // namespace screen
