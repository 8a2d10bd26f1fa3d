// A SessionLink made of a session::Mux over one base ByteStream (the secure
// stream in production, a TCP socket in the direct test path).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "remote/channels.h"
#include "session/mux.h"

namespace remote {

class MuxLink : public SessionLink {
public:
    // How a relay carries the link (SessionLink::proxy, transport); empty without one.
    struct Carried {
        std::string proxy;
        std::shared_ptr<session::TransportWatch> transport;
    };
    // Owns `base`. `on_close` runs once on close() (e.g. end the relay session).
    MuxLink(std::unique_ptr<session::ByteStream> base, std::string auth = "", std::function<void()> on_close = {},
            std::string route = "", Carried carried = {})
        : base_(std::move(base)), mux_(std::make_unique<session::Mux>(*base_)), auth_(std::move(auth)),
          on_close_(std::move(on_close)), route_(std::move(route)), carried_(std::move(carried)) {}
    ~MuxLink() override {
        close();
        mux_.reset();  // joins the mux reader before the base goes away
    }
    Channels channels() override {
        return Channels{mux_->channel(session::Channel::control), mux_->channel(session::Channel::rfb),
                        &mux_->channel(session::Channel::file)};
    }
    std::string auth_string() const override { return auth_; }
    std::string route() const override { return route_; }
    std::string proxy() const override { return carried_.proxy; }
    std::shared_ptr<session::TransportWatch> transport() const override { return carried_.transport; }
    void close() override {
        mux_->close();
        if (auto f = std::exchange(on_close_, nullptr)) f();
    }

private:
    std::unique_ptr<session::ByteStream> base_;
    std::unique_ptr<session::Mux> mux_;
    std::string auth_;
    std::function<void()> on_close_;
    std::string route_;
    Carried carried_;
};

}  // namespace remote
