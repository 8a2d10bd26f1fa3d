// SecureStream: the Noise channel plus the agreed authentication string.
#include "secure/secure_stream.h"

#include <condition_variable>
#include <mutex>
#include <thread>

#include "secure_sas.h"
#include "secure_noise.h"

namespace secure {

SecureStream::SecureStream(std::unique_ptr<session::ByteStream> channel, std::string auth_string)
    : channel_(std::move(channel)), auth_string_(std::move(auth_string)) {}

std::size_t SecureStream::read(void* buf, std::size_t len) { return channel_->read(buf, len); }

void SecureStream::write(const void* buf, std::size_t len) { channel_->write(buf, len); }

void SecureStream::shutdown_write() { channel_->shutdown_write(); }

void SecureStream::close() { channel_->close(); }

namespace {

// The inner stream, owned jointly by the Noise layer and the handshake
// watchdog, so that the watchdog may close() it from its thread even while
// a failing handshake is destroying the Noise layer.
class SharedInner final : public session::ByteStream {
public:
    explicit SharedInner(std::shared_ptr<session::ByteStream> s) : s_(std::move(s)) {}
    std::size_t read(void* buf, std::size_t len) override { return s_->read(buf, len); }
    void write(const void* buf, std::size_t len) override { s_->write(buf, len); }
    void shutdown_write() override { s_->shutdown_write(); }
    void close() override { s_->close(); }

private:
    std::shared_ptr<session::ByteStream> s_;
};

// Closes the stream if the handshake is still running after `timeout`.
class HandshakeWatchdog {
public:
    HandshakeWatchdog(std::shared_ptr<session::ByteStream> s, std::chrono::milliseconds timeout)
        : s_(std::move(s)), thread_([this, timeout] {
              std::unique_lock<std::mutex> lk(mu_);
              if (cv_.wait_for(lk, timeout, [this] { return done_; })) return;
              fired_ = true;
              lk.unlock();
              s_->close();  // the handshake's blocked read returns, and it throws
          }) {}
    ~HandshakeWatchdog() { disarm(); }
    // Returns true if the watchdog fired (now or before).
    bool disarm() {
        {
            std::lock_guard<std::mutex> lk(mu_);
            done_ = true;
        }
        cv_.notify_all();
        if (thread_.joinable()) thread_.join();
        return fired_;
    }

private:
    std::shared_ptr<session::ByteStream> s_;
    std::mutex mu_;
    std::condition_variable cv_;
    bool done_ = false;
    bool fired_ = false;
    std::thread thread_;  // last: starts once the members above exist
};

// Said to the person on `role`'s side. The clock starts once both sides
// are present (secure_session), so the peer's program is there and stalled:
// an incompatible version, or a network that stopped passing its bytes.
session::StreamError handshake_timeout(std::chrono::milliseconds timeout, SecureRole role) {
    const auto ms = timeout.count();
    const std::string took = ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
    const bool desk = role == SecureRole::desk;
    return session::StreamError(std::string(desk ? "the customer's" : "the supporter's") +
                       " program connected but did not finish setting up end-to-end encryption within " + took +
                       ": it may be an old or incompatible Tether version, or its network stalled. " +
                       (desk ? "Ask the customer to close Tether, then start a new session and read them the new code"
                             : "Close Tether and join again with a new code from your supporter"));
}

}  // namespace

std::unique_ptr<SecureStream> secure_handshake(std::unique_ptr<session::ByteStream> inner, SecureRole role,
                                               std::chrono::milliseconds timeout) {
    std::shared_ptr<session::ByteStream> shared(std::move(inner));
    HandshakeWatchdog dog(shared, timeout);
    std::unique_ptr<NoiseStream> channel;
    std::string sas;
    try {
        channel = noise_handshake(std::make_unique<SharedInner>(shared), role);
        sas = exchange_sas(*channel, role);
    } catch (const session::StreamError&) {
        if (dog.disarm()) throw handshake_timeout(timeout, role);
        throw;
    }
    // It may have fired just as the handshake finished: the stream is closed.
    if (dog.disarm()) throw handshake_timeout(timeout, role);
    return std::make_unique<SecureStream>(std::move(channel), std::move(sas));
}

}  // namespace secure
