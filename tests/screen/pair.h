// Runs a ClientSession (serving an X display) and a DeskSession in this
// process over any two pairs of ByteStreams: in-memory pairs here, the
// tunnel's Mux channels when the lead wires the squid test (test 2).
#pragma once

#include <memory>
#include <thread>

#include "screen/client_session.h"
#include "screen/desk_session.h"
#include "screen/x11.h"
#include "session/byte_stream.h"

namespace screentest {

// Two connected channel sets: what `client` writes on control, `desk` reads.
struct StreamChannels {
    std::pair<std::unique_ptr<session::ByteStream>, std::unique_ptr<session::ByteStream>> control =
        session::make_stream_pair();
    std::pair<std::unique_ptr<session::ByteStream>, std::unique_ptr<session::ByteStream>> rfb =
        session::make_stream_pair();
    remote::Channels client() { return {*control.first, *rfb.first}; }
    remote::Channels desk() { return {*control.second, *rfb.second}; }
};

class Pair {
public:
    Pair(const std::string& display, remote::Channels client_ch, remote::Channels desk_ch,
         screen::ViewerOptions opts = {}, remote::ConsentState initial = {})
        : capture_(screen::make_x11_capture(display)),
          injector_(screen::make_x11_injector(display)),
          hotkeys_(screen::make_x11_hotkeys(display)),
          client_(screen::CustomerSide{*capture_, *injector_, *hotkeys_}, "Customer", initial, {}),
          desk_("Supporter", opts, {}, {}) {
        client_thread_ = std::thread([this, client_ch] { client_end_ = client_.run(client_ch); });
        desk_thread_ = std::thread([this, desk_ch] { desk_end_ = desk_.run(desk_ch); });
    }
    ~Pair() {
        stop();
    }
    void stop() {
        if (!client_thread_.joinable()) return;
        desk_.stop();
        client_.stop();
        client_thread_.join();
        desk_thread_.join();
    }
    screen::ClientSession& client() { return client_; }
    screen::DeskSession& desk() { return desk_; }
    screen::Viewer& viewer() { return desk_.viewer(); }
    std::string client_end_, desk_end_;

private:
    std::unique_ptr<screen::Capture> capture_;
    std::unique_ptr<screen::InputInjector> injector_;
    std::unique_ptr<screen::Hotkeys> hotkeys_;
    screen::ClientSession client_;
    screen::DeskSession desk_;
    std::thread client_thread_, desk_thread_;
};

}  // namespace screentest
