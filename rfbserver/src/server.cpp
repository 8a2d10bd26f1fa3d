#include "rfbserver/server.h"

#include <thread>

#include "rfbserver/handshake.h"
#include "updater.h"

namespace rfbserver {

ViewerSettings settings_from(const std::vector<std::int32_t>& encodings, const PixelFormat& format) {
    ViewerSettings v;
    v.format = format;
    bool chosen = false;
    for (std::int32_t e : encodings) {
        if (!chosen && (e == kRaw || e == kZlib || e == kZrle)) {
            v.encoding = e;
            chosen = true;
        }
        if (e == kRichCursor) v.rich_cursor = true;
        if (e == kPointerPos) v.pointer_pos = true;
        if (e == kDesktopSize) v.desktop_size = true;
        if (e >= kCompressLevel0 && e <= kCompressLevel9) v.zlib_level = e - kCompressLevel0;
    }
    return v;
}

std::string Server::serve(session::ByteStream& viewer) { return serve(viewer, nullptr); }

std::string Server::serve(session::ByteStream& viewer, desktop::Frame first) { return serve(viewer, &first); }

std::string Server::serve(session::ByteStream& viewer, desktop::Frame* first) {
    {
        std::lock_guard<std::mutex> lk(mu_);
        stream_ = &viewer;
        if (ended_) viewer.close();  // stop() came first
    }
    Updater up(capture_);
    std::thread reader;
    auto trace = [&](const std::string& step) {
        if (opts_.trace && updates_sent() == 0) opts_.trace(step);
    };
    try {
        trace("start");
        if (first) up.start(std::move(*first));
        else if (!up.start()) throw ProtocolError("the screen cannot be read");
        trace("grabbed");
        ServerInit init{up.frame().width, up.frame().height, frame_format(), opts_.name};
        if (server_handshake(viewer, init)) {
            trace("handshake");
            reader = std::thread([&] { read_loop(viewer); });
            UpdateRequest req;
            ViewerSettings v;
            bool first = false;
            while (next_turn(req, v)) {
                trace("request");
                std::string out = up.update(req, v);
                if (out.empty()) continue;
                trace("encoded " + std::to_string(out.size()));
                {
                    std::lock_guard<std::mutex> lk(mu_);
                    request_.pending = request_.full = false;
                    first = updates_++ == 0;
                }
                viewer.write(out.data(), out.size());
                if (first && opts_.trace) opts_.trace("sent");
            }
        }
    } catch (const std::exception& e) {
        end(e.what());
    }
    end("");
    viewer.close();
    if (reader.joinable()) reader.join();
    std::lock_guard<std::mutex> lk(mu_);
    stream_ = nullptr;
    return why_;
}

// Waits for a request, then for the next grab slot: at most one grab per
// poll_interval, the first one at once.
bool Server::next_turn(UpdateRequest& req, ViewerSettings& v) {
    std::unique_lock<std::mutex> lk(mu_);
    for (;;) {
        cv_.wait(lk, [&] { return ended_ || request_.pending; });
        if (ended_) return false;
        auto due = last_grab_ + opts_.poll_interval;
        if (std::chrono::steady_clock::now() >= due) break;
        cv_.wait_until(lk, due, [&] { return ended_; });
    }
    last_grab_ = std::chrono::steady_clock::now();
    req = request_;
    v = settings_;
    return true;
}

void Server::read_loop(session::ByteStream& s) {
    std::string buf;
    char chunk[4096];
    try {
        for (;;) {
            std::size_t n = s.read(chunk, sizeof chunk);
            if (n == 0) return end("");
            buf.append(chunk, n);
            std::size_t used = 0;
            ClientMessage m;
            while (std::size_t k = parse_client_message(reinterpret_cast<const unsigned char*>(buf.data()) + used,
                                                        buf.size() - used, m)) {
                apply(m);
                used += k;
            }
            buf.erase(0, used);
        }
    } catch (const std::exception& e) {
        end(e.what());
    }
}

void Server::apply(const ClientMessage& m) {
    using T = ClientMessage::Type;
    if (m.type == T::key) return gate_.key(m.keysym, m.down);
    if (m.type == T::pointer) return gate_.pointer(m.x, m.y, m.buttons);
    std::lock_guard<std::mutex> lk(mu_);
    if (m.type == T::set_pixel_format) {
        std::string bad = unsupported_reason(m.format);
        if (!bad.empty()) throw ProtocolError("the viewer's pixel format: " + bad);
        settings_ = settings_from(encodings_, m.format);
    } else if (m.type == T::set_encodings) {
        encodings_ = m.encodings;
        settings_ = settings_from(encodings_, settings_.format);
    } else if (m.type == T::update_request) {
        request_.full = request_.full || !m.incremental;
        request_.area = m.area;
        request_.pending = true;
        cv_.notify_all();
    }
}

// The first end wins: errors that follow it (the stream we closed) are echoes.
void Server::end(const std::string& why) {
    std::lock_guard<std::mutex> lk(mu_);
    if (!ended_) why_ = why;
    ended_ = true;
    cv_.notify_all();
}

void Server::stop() {
    std::lock_guard<std::mutex> lk(mu_);
    ended_ = true;
    cv_.notify_all();
    if (stream_) stream_->close();
}

std::uint64_t Server::updates_sent() const {
    std::lock_guard<std::mutex> lk(mu_);
    return updates_;
}

}  // namespace rfbserver
