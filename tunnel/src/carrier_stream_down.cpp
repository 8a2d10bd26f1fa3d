// StreamCarrier downlink: `GET /v1/stream/down`, a chunked body of frames.
#include "carrier_stream_impl.h"

#include <cstdlib>
#include <vector>

namespace tunnel {
namespace {

constexpr std::size_t kErrorBodyMax = 4096;  // enough for a JSON error

// Download buffer: large enough that bulk transfers need few callbacks.
constexpr long kDownBufferBytes = 256 * 1024;

std::size_t header_cb(char* p, std::size_t size, std::size_t n, void* self) {
    return static_cast<StreamCarrier*>(self)->on_down_header(p, size * n);
}

std::size_t write_cb(char* p, std::size_t size, std::size_t n, void* self) {
    return static_cast<StreamCarrier*>(self)->on_down_data(p, size * n);
}

// "HTTP/1.1 200 OK" -> 200; 0 if `line` is not a status line.
long status_of(const std::string& line) {
    if (line.rfind("HTTP/", 0) != 0) return 0;
    auto sp = line.find(' ');
    return sp == std::string::npos ? 0 : std::strtol(line.c_str() + sp + 1, nullptr, 10);
}

// The answer to the carrier's own heartbeat (see kOwnPingBit).
bool is_own_pong(const wire::Frame& f) {
    return f.type == wire::FrameType::pong && f.payload.size() == 8 &&
           (wire::payload_u64(f) & StreamCarrier::kOwnPingBit);
}

}  // namespace

void StreamCarrier::setup_down() {
    CURL* h = down_.get();
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, header_cb);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, this);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write_cb);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, this);
    curl_easy_setopt(h, CURLOPT_BUFFERSIZE, kDownBufferBytes);
    down_.add_header("Accept: application/octet-stream");
}

void StreamCarrier::run_down() {
    CURLcode rc = down_loop_.run(tick_period(), [this] { down_tick(); });
    finish(down_, rc, down_status_, down_body_, "downlink");
}

// The relay's answer headers (the proxy's CONNECT answer is suppressed). The
// blank line ends them: a 200 means the downlink is up.
std::size_t StreamCarrier::on_down_header(const char* line, std::size_t len) {
    std::string s(line, len);
    if (long status = status_of(s)) down_status_ = status;
    if ((s == "\r\n" || s == "\n") && down_status_ == 200) {
        {
            std::lock_guard<std::mutex> lk(mu_);
            down_ready_ = true;
            last_rx_ = Clock::now();
        }
        cv_.notify_all();
    }
    return len;
}

std::size_t StreamCarrier::on_down_data(const char* p, std::size_t len) {
    if (down_status_ != 200) {  // an error answer: keep its JSON for the message
        down_body_.append(p, std::min(len, kErrorBodyMax - std::min(kErrorBodyMax, down_body_.size())));
        return len;
    }
    {
        std::lock_guard<std::mutex> lk(mu_);
        if (closed_ || error_) return 0;  // aborts the transfer
        if (in_bytes_ >= kInCap) {
            down_paused_ = true;  // curl keeps these bytes and offers them again
            return CURL_WRITEFUNC_PAUSE;
        }
        last_rx_ = Clock::now();
    }
    return take_frames(p, len) ? len : 0;
}

// Parses and queues whole frames; false on a protocol error (the stream is
// desynchronised: this carrier is dropped and the session reconnects).
bool StreamCarrier::take_frames(const char* p, std::size_t len) {
    std::vector<wire::Frame> frames;
    try {
        parser_.feed(p, len);
        wire::Frame f;
        while (parser_.next(f))
            if (!is_own_pong(f)) frames.push_back(std::move(f));
    } catch (const wire::ProtocolError& e) {
        fail(session::CarrierError(std::string("the relay sent a malformed frame (") + e.what() + ")"));
        return false;
    }
    if (frames.empty()) return true;
    {
        std::lock_guard<std::mutex> lk(mu_);
        for (auto& f : frames) {
            in_bytes_ += f.payload.size() + wire::kHeaderSize;
            in_.push_back(std::move(f));
        }
    }
    cv_.notify_all();
    return true;
}

// Liveness (nothing for 3 heartbeats: dead, unless we paused the reading
// ourselves) and resuming a paused downlink once the reader caught up.
void StreamCarrier::down_tick() {
    bool resume = false, dead = false;
    {
        std::lock_guard<std::mutex> lk(mu_);
        dead = down_ready_ && !down_paused_ && Clock::now() - last_rx_ > 3 * cfg_.heartbeat;
        if (down_paused_ && in_bytes_ < kInCap / 2) {
            down_paused_ = false;
            resume = true;
        }
    }
    if (dead) {
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(3 * cfg_.heartbeat);
        fail(session::CarrierError("nothing arrived from the relay for " + std::to_string(ms.count()) +
                          " ms (3 heartbeats): the connection is dead, reconnecting"));
        return;
    }
    if (resume) {
        {
            std::lock_guard<std::mutex> lk(mu_);
            last_rx_ = Clock::now();  // the pause was ours, not the network's
        }
        curl_easy_pause(down_.get(), CURLPAUSE_CONT);
    }
}

}  // namespace tunnel
