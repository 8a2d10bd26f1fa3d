// StreamCarrier uplink: `POST /v1/stream/up`, a chunked body of frames that
// lasts as long as the carrier. The read callback pauses the transfer when
// there is nothing to send; send() and the heartbeat tick resume it.
#include "carrier_stream_impl.h"

#include <cstring>

namespace tunnel {
namespace {

constexpr std::size_t kErrorBodyMax = 4096;
// Bytes handed to curl per read callback (one chunk each).
constexpr long kUpBufferBytes = 256 * 1024;

std::size_t read_cb(char* buf, std::size_t size, std::size_t n, void* self) {
    return static_cast<StreamCarrier*>(self)->on_up_read(buf, size * n);
}

std::size_t response_cb(char* p, std::size_t size, std::size_t n, void* self) {
    return static_cast<StreamCarrier*>(self)->on_up_response(p, size * n);
}

// Rewinding is only possible before the first byte left (NTLM/Digest may
// ask for it on the first request); afterwards the bytes are gone.
int seek_cb(void* sent_bytes, curl_off_t offset, int origin) {
    bool sent = *static_cast<std::uint64_t*>(sent_bytes) > 0;
    return (!sent && offset == 0 && origin == SEEK_SET) ? CURL_SEEKFUNC_OK : CURL_SEEKFUNC_CANTSEEK;
}

// Stamp of the carrier's own heartbeat ping: microseconds of the steady
// clock, marked with kOwnPingBit so that its pong is not handed upward.
std::uint64_t ping_stamp() {
    auto now = std::chrono::steady_clock::now().time_since_epoch();
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(now).count();
    return static_cast<std::uint64_t>(us) | StreamCarrier::kOwnPingBit;
}

}  // namespace

void StreamCarrier::setup_up() {
    CURL* h = up_.get();
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(h, CURLOPT_READDATA, this);
    curl_easy_setopt(h, CURLOPT_SEEKFUNCTION, seek_cb);
    curl_easy_setopt(h, CURLOPT_SEEKDATA, &up_sent_);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, response_cb);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, this);
    curl_easy_setopt(h, CURLOPT_UPLOAD_BUFFERSIZE, kUpBufferBytes);
    up_.add_header("Transfer-Encoding: chunked");
    up_.add_header("Content-Type: application/octet-stream");
    up_.add_header("Expect:");  // else curl waits up to 1 s for "100 Continue"
}

void StreamCarrier::run_up() {
    CURLcode rc = up_loop_.run(tick_period(), [this] { up_tick(); });
    finish(up_, rc, up_.response_code(), up_body_, "uplink");
}

// Called once the request headers went out (so CONNECT and TLS succeeded),
// then whenever curl wants more body.
std::size_t StreamCarrier::on_up_read(char* buf, std::size_t len) {
    std::unique_lock<std::mutex> lk(mu_);
    up_ready_ = true;
    if (closed_ || error_) return CURL_READFUNC_ABORT;
    std::size_t n = out_.read(buf, len);
    if (n == 0) {
        up_paused_ = true;
        lk.unlock();
        cv_.notify_all();  // "ready" the first time; "flushed" for close()
        return CURL_READFUNC_PAUSE;
    }
    up_sent_ += n;
    last_tx_ = Clock::now();
    lk.unlock();
    cv_.notify_all();  // room for send(), and maybe "ready"
    return n;
}

std::size_t StreamCarrier::on_up_response(const char* p, std::size_t len) {
    up_body_.append(p, std::min(len, kErrorBodyMax - std::min(kErrorBodyMax, up_body_.size())));
    return len;
}

// Heartbeat: an uplink idle for one interval sends ping(stamp). Resumes the
// paused transfer when there is something to send.
void StreamCarrier::up_tick() {
    bool resume = false;
    {
        std::lock_guard<std::mutex> lk(mu_);
        if (up_ready_ && out_.empty() && Clock::now() - last_tx_ >= cfg_.heartbeat) {
            std::string ping;
            wire::append_u64_frame(ping, wire::FrameType::ping, ping_stamp());
            out_.push(std::move(ping), 0, wire::kHeaderSize + 8);
            last_tx_ = Clock::now();
        }
        if (up_paused_ && !out_.empty()) {
            up_paused_ = false;
            resume = true;
        }
    }
    if (resume) curl_easy_pause(up_.get(), CURLPAUSE_CONT);
}

}  // namespace tunnel
