#include "session/fake_relay.h"

#include <thread>

namespace fake {
namespace {

// Inbox bound per carrier (bytes): like a relay's per-direction buffer.
constexpr std::size_t kInboxBytes = 1 << 20;

// The factory hands out unique_ptrs while the relay keeps a shared_ptr to
// kill the carrier later: this forwards to the shared one.
class Handle : public session::Carrier {
public:
    explicit Handle(std::shared_ptr<FakeCarrier> c) : c_(std::move(c)) {}
    ~Handle() override { c_->close(); }
    void send(std::string frames) override { c_->send(std::move(frames)); }
    bool receive(wire::Frame& out, std::chrono::milliseconds t) override { return c_->receive(out, t); }
    void close() override { c_->close(); }
    std::string describe() const override { return c_->describe(); }

private:
    std::shared_ptr<FakeCarrier> c_;
};

}  // namespace

void FakeCarrier::send(std::string frames) {
    {
        std::lock_guard<std::mutex> lk(mu_);
        if (closed_) throw session::CarrierError("the fake relay broke this carrier");
    }
    wire::FrameParser parser;
    parser.feed(frames.data(), frames.size());
    wire::Frame f;
    while (parser.next(f)) relay_.from_endpoint(this, side_, f);
    if (parser.buffered() != 0) throw std::logic_error("send() got a partial frame");
}

bool FakeCarrier::receive(wire::Frame& out, std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lk(mu_);
    cv_.wait_for(lk, timeout, [&] { return closed_ || !inbox_.empty(); });
    if (closed_) throw session::CarrierError("the fake relay broke this carrier");
    if (inbox_.empty()) return false;
    out = std::move(inbox_.front());
    inbox_.pop_front();
    inbox_bytes_ -= out.payload.size();
    cv_.notify_all();
    return true;
}

void FakeCarrier::close() {
    std::lock_guard<std::mutex> lk(mu_);
    closed_ = true;
    inbox_.clear();
    cv_.notify_all();
}

void FakeCarrier::deliver(const wire::Frame& f) {
    std::unique_lock<std::mutex> lk(mu_);
    cv_.wait(lk, [&] { return closed_ || inbox_bytes_ < kInboxBytes; });
    if (closed_ || muted_) return;  // lost in flight, like on a broken connection
    inbox_.push_back(f);
    inbox_bytes_ += f.payload.size();
    cv_.notify_all();
}

void FakeCarrier::mute() {
    std::lock_guard<std::mutex> lk(mu_);
    muted_ = true;
}

void FakeCarrier::push(const wire::Frame& f) {
    std::lock_guard<std::mutex> lk(mu_);
    if (closed_ || muted_) return;
    inbox_.push_back(f);
    inbox_bytes_ += f.payload.size();
    cv_.notify_all();
}

session::CarrierFactory FakeRelay::factory(int side) {
    return [this, side]() -> std::unique_ptr<session::Carrier> {
        std::lock_guard<std::mutex> lk(mu_);
        if (!refuse_why_[side].empty()) throw session::CarrierError(refuse_why_[side], refuse_fatal_[side]);
        auto c = std::make_shared<FakeCarrier>(*this, side, next_id_++);
        if (current_[side]) current_[side]->close();  // a new carrier replaces the old one
        current_[side] = c;
        ++connects_[side];
        auto& other = current_[1 - side];
        c->push(peer_frame(other ? wire::PeerState::connected : wire::PeerState::waiting));
        if (other) other->push(peer_frame(wire::PeerState::connected));
        return std::make_unique<Handle>(c);
    };
}

wire::Frame FakeRelay::peer_frame(wire::PeerState s) {
    std::string buf;
    wire::append_peer(buf, s);
    return {wire::FrameType::peer, buf.substr(wire::kHeaderSize)};
}

void FakeRelay::kill(int side) {
    std::lock_guard<std::mutex> lk(mu_);
    kill_locked(side);
}

void FakeRelay::kill_locked(int side) {
    if (current_[side]) {
        current_[side]->close();
        current_[side].reset();
        ++kills_;
        if (current_[1 - side]) current_[1 - side]->push(peer_frame(wire::PeerState::reconnecting));
    }
    progress_ = 0;
    schedule_kill();
}

void FakeRelay::refuse(int side, const std::string& why, bool fatal) {
    std::lock_guard<std::mutex> lk(mu_);
    refuse_why_[side] = why;
    refuse_fatal_[side] = fatal;
}

void FakeRelay::inject(int side, const wire::Frame& f) {
    std::shared_ptr<FakeCarrier> c;
    {
        std::lock_guard<std::mutex> lk(mu_);
        c = current_[side];
    }
    if (c) c->push(f);
}

void FakeRelay::mute(int side) {
    std::lock_guard<std::mutex> lk(mu_);
    if (current_[side]) current_[side]->mute();
}

void FakeRelay::drop_data_toward(int side, int n) {
    std::lock_guard<std::mutex> lk(mu_);
    drop_data_[side] = n;
}

void FakeRelay::schedule_kill() {
    if (faults_.kill_every_max == 0) return;
    std::uniform_int_distribution<std::uint64_t> d(faults_.kill_every_min, faults_.kill_every_max);
    next_kill_ = d(rng_);
}

// Counts new data bytes and, when a kill is due, kills now or starts a burst
// of chaos toward a random side that ends with its kill.
void FakeRelay::note(int from, const wire::Frame& f) {
    if (f.type != wire::FrameType::data) return;
    Dir& d = dir_[from];
    std::uint64_t end = wire::payload_u64(f) + wire::data_size(f);
    if (end <= d.data_end) return;
    progress_ += end - d.data_end;
    d.data_end = end;
    d.max_unacked = std::max(d.max_unacked, d.data_end - d.ack_back);
    if (next_kill_ == 0 || progress_ < next_kill_ || chaos_left_ > 0) return;
    int side = static_cast<int>(rng_() % 2);
    if (std::uniform_real_distribution<double>(0, 1)(rng_) < faults_.chaos) {
        chaos_side_ = side;
        chaos_left_ = 4 + static_cast<int>(rng_() % 13);
        progress_ = 0;
    } else {
        kill_locked(side);
    }
}

// Mangles frames toward the chaos side: drop, duplicate, or hold one back to
// deliver it after the next (a reorder). The burst ends with a kill.
std::vector<wire::Frame> FakeRelay::apply_chaos(int to, const wire::Frame& f) {
    if (chaos_left_ == 0 || to != chaos_side_) return {f};
    std::vector<wire::Frame> out;
    switch (rng_() % 4) {
    case 0: break;                                  // dropped
    case 1: out = {f, f}; break;                    // duplicated
    case 2: held_.push_back(f); break;              // delivered after the next one
    default: out = {f}; break;
    }
    if (!out.empty()) {
        out.insert(out.end(), held_.begin(), held_.end());
        held_.clear();
    }
    if (--chaos_left_ == 0) {
        held_.clear();
        kill_locked(to);
    }
    return out;
}

void FakeRelay::from_endpoint(FakeCarrier* c, int side, const wire::Frame& f) {
    if (f.type == wire::FrameType::ping) {
        c->push({wire::FrameType::pong, f.payload});
        return end_chaos_soon();
    }
    if (!wire::is_end_to_end(f.type)) return;
    std::vector<wire::Frame> out;
    std::shared_ptr<FakeCarrier> target;
    {
        std::lock_guard<std::mutex> lk(mu_);
        if (current_[side].get() != c) return;  // a replaced carrier: never interleave
        note(side, f);
        target = current_[1 - side];
        if (!target) return;                    // nobody to forward to: lost
        if (f.type == wire::FrameType::data && drop_data_[1 - side] > 0) {
            --drop_data_[1 - side];
            return;
        }
        out = apply_chaos(1 - side, f);
        for (const auto& o : out)
            if (o.type == wire::FrameType::ack)
                dir_[1 - side].ack_back = std::max(dir_[1 - side].ack_back, wire::payload_u64(o));
    }
    for (const auto& o : out) target->deliver(o);
}

// Pings keep coming when traffic stalls (e.g. because the chaos dropped the
// frame everyone waits for): they count down the burst too, so that the kill
// that follows any loss on a real relay always comes.
void FakeRelay::end_chaos_soon() {
    std::lock_guard<std::mutex> lk(mu_);
    if (chaos_left_ > 0 && --chaos_left_ == 0) {
        held_.clear();
        kill_locked(chaos_side_);
    }
}

int FakeRelay::kills() const {
    std::lock_guard<std::mutex> lk(mu_);
    return kills_;
}

int FakeRelay::connects(int side) const {
    std::lock_guard<std::mutex> lk(mu_);
    return connects_[side];
}

bool FakeRelay::has_carrier(int side) const {
    std::lock_guard<std::mutex> lk(mu_);
    return current_[side] != nullptr;
}

std::uint64_t FakeRelay::max_unacked_seen(int side) const {
    std::lock_guard<std::mutex> lk(mu_);
    return dir_[side].max_unacked;
}

std::uint64_t FakeRelay::data_end_seen(int side) const {
    std::lock_guard<std::mutex> lk(mu_);
    return dir_[side].data_end;
}

bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!pred()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return true;
}

}  // namespace fake
