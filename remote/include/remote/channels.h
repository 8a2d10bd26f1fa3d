// The channels a session uses. In production they are mux channels of the
// end-to-end secure session (session::Mux::channel(Channel::control),
// Channel::rfb and Channel::file); in tests, a make_stream_pair() or the
// direct link.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "session/byte_stream.h"
#include "session/transport.h"

namespace remote {

// Borrowed streams; they outlive the session that uses them.
struct Channels {
    session::ByteStream& control;
    session::ByteStream& rfb;
    // File transfer (files::FileEndpoint, docs/FILES.md); nullptr when the
    // carrier has none (in-memory screen tests). The screen sessions never
    // touch it: the programs run a FileEndpoint on it beside them.
    session::ByteStream* file = nullptr;
};

// A connected session as the screen sees it: owns whatever carries the
// channels (relay session + TLS + Mux, or the direct test link).
class SessionLink {
public:
    virtual ~SessionLink() = default;
    virtual Channels channels() = 0;
    // The short authentication string both people compare (empty: none,
    // e.g. the unencrypted direct test link).
    virtual std::string auth_string() const { return ""; }
    // How the link reaches the peer, for the status line and --status-file,
    // e.g. "the relay R:443 through http proxy P:3128 (from PAC ...)".
    virtual std::string route() const { return ""; }
    // The proxy the link goes through (e.g. "http://10.0.0.1:3128"; "" = DIRECT or no relay).
    virtual std::string proxy() const { return ""; }
    // Stream or poll mode and each move between them (session/transport.h);
    // nullptr when no relay carries the link (the direct test link, a playback).
    virtual std::shared_ptr<session::TransportWatch> transport() const { return nullptr; }
    // Aborts the channels now (any thread); the sessions then end.
    virtual void close() = 0;
};

using StatusFn = std::function<void(const std::string&)>;

// The code the desk reads out, and when the relay forgets it unless
// someone joins (max(): never, e.g. the direct test link).
struct SessionCode {
    std::string code;
    std::chrono::steady_clock::time_point expires = std::chrono::steady_clock::time_point::max();
};
using CodeFn = std::function<void(const SessionCode&)>;

// How tether-client reaches the supporter. The relay implementation
// (join_session + secure_handshake + Mux) is plugged in by main().
class ClientConnector {
public:
    virtual ~ClientConnector() = default;
    // Blocks until connected; reports progress ("connecting through proxy X")
    // through `status`. Throws std::runtime_error with a sentence for a person.
    // Returns nullptr if cancel() was called.
    virtual std::unique_ptr<SessionLink> connect(const std::string& code, const StatusFn& status) = 0;
    virtual void cancel() = 0;  // any thread
};

// How tether-desk opens a session and waits for the customer.
class DeskConnector {
public:
    virtual ~DeskConnector() = default;
    // Gets a code (passed to `on_code` for display at once), then blocks until
    // the customer joined, as long as the code lives. Throws
    // session::CodeExpiredError when it expired unused, std::runtime_error
    // for other failures; nullptr after cancel().
    virtual std::unique_ptr<SessionLink> open(const CodeFn& on_code, const StatusFn& status) = 0;
    virtual void cancel() = 0;
};

}  // namespace remote
