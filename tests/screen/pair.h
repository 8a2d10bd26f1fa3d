// Runs a ClientSession (serving an X display) and a DeskSession in this
// process over any two pairs of ByteStreams: in-memory pairs here, the
// tunnel's Mux channels when the lead wires the squid test (test 2).
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <thread>

#include "screen/client_session.h"
#include "screen/desk_session.h"
#include "x11desktop/x11.h"
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
         screen::ViewerOptions opts = {}, remote::ConsentState initial = {},
         std::chrono::milliseconds desk_delay = std::chrono::milliseconds(0), bool presence = false)
        : capture_(x11desktop::make_x11_capture(display)),
          input_(x11desktop::make_x11_input(display)),
          hotkeys_(x11desktop::make_x11_hotkeys(display)),
          notice_(presence ? x11desktop::make_x11_control_notice(display) : nullptr),
          client_(screen::CustomerSide{*capture_, *input_.injector, *hotkeys_, notice_.get(),
                                       presence ? input_.local.get() : nullptr},
                  "Customer", initial, events()),
          desk_("Supporter", opts, {}, {}) {
        client_thread_ = std::thread([this, client_ch] { client_end_ = client_.run(client_ch); });
        // desk_delay: the desk arriving late (the client's first bytes wait in the stream).
        desk_thread_ = std::thread([this, desk_ch, desk_delay] {
            std::this_thread::sleep_for(desk_delay);
            desk_end_ = desk_.run(desk_ch);
        });
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
    // The customer's status line (ClientEvents::on_status), last sentence.
    std::string status() {
        std::lock_guard<std::mutex> lk(status_mu_);
        return status_;
    }
    std::string client_end_, desk_end_;

private:
    screen::ClientEvents events() {
        screen::ClientEvents ev;
        ev.on_status = [this](const std::string& s) {
            std::lock_guard<std::mutex> lk(status_mu_);
            status_ = s;
        };
        return ev;
    }

    std::mutex status_mu_;
    std::string status_;
    std::unique_ptr<desktop::Capture> capture_;
    x11desktop::X11Input input_;  // the injector; its watcher only with `presence`
    std::unique_ptr<desktop::Hotkeys> hotkeys_;
    std::unique_ptr<desktop::ControlNotice> notice_;  // only with `presence`
    screen::ClientSession client_;
    screen::DeskSession desk_;
    std::thread client_thread_, desk_thread_;
};

}  // namespace screentest
