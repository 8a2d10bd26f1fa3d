// FileEndpoint: the public calls, the reader loop and the writer thread.
#include "impl.h"

namespace files {

using proto::ProtocolError;
using proto::Type;

const char* const kConsentOffText =
    "file transfer was switched off (F12 on the customer's side); the partial file is kept "
    "and offering the same file again resumes it";

namespace {
// The peer sent an ERROR message: it is ending the channel.
struct PeerError : std::runtime_error {
    using std::runtime_error::runtime_error;
};
}  // namespace

bool EndpointImpl::consent_allowed() const {
    return consent_flag.load() && (!opt.consent || opt.consent());
}

void EndpointImpl::enqueue_locked(Type type, const json& body) {
    // Local file names need not be valid UTF-8; JSON must be: invalid bytes become U+FFFD.
    control.push_back(proto::encode(type, body.dump(-1, ' ', false, json::error_handler_t::replace)));
    cv.notify_all();
}

void EndpointImpl::enqueue(Type type, const json& body) {
    std::lock_guard<std::mutex> lk(mu);
    enqueue_locked(type, body);
}

void EndpointImpl::done(const Outcome& o) const {
    if (opt.on_done) opt.on_done(o);
}

void EndpointImpl::progress(TransferId id, Direction d, std::uint64_t bytes, std::uint64_t total) const {
    if (opt.on_progress) opt.on_progress(id, d, bytes, total);
}

// ---- reader ---------------------------------------------------------------

std::string EndpointImpl::run() {
    writer = std::thread([this] { writer_loop(); });
    std::string reason;
    bool flush = false;
    try {
        reason = read_loop();
        flush = true;  // the peer finished writing: still send what is queued (e.g. a DECLINE)
    } catch (const ProtocolError& e) {
        reason = std::string("protocol error from the peer: ") + e.what();
        enqueue(Type::error, {{"message", reason}});
        flush = true;  // tell the peer why before closing
    } catch (const PeerError& e) {
        reason = std::string("the peer ended the file channel: ") + e.what();
    } catch (const std::exception& e) {
        reason = std::string("the file channel failed: ") + e.what();
    }
    stop_writer(flush);
    if (reason.empty()) reason = writer_error;
    end_all(reason.empty() ? "the file channel was closed" : reason);
    return reason;
}

std::string EndpointImpl::read_loop() {
    proto::MessageReader reader(channel);
    proto::Message m;
    while (reader.next(m)) dispatch(m);
    return "";
}

void EndpointImpl::dispatch(const proto::Message& m) {
    if (!hello_seen && m.type != Type::hello) throw ProtocolError("the first message is not HELLO");
    switch (m.type) {
    case Type::hello: {
        if (hello_seen) throw ProtocolError("HELLO sent twice");
        std::uint64_t v = get_u64(parse_control(m), "version");
        if (v != proto::kVersion)
            throw ProtocolError("the peer speaks file protocol version " + std::to_string(v) + ", this side " +
                                std::to_string(proto::kVersion) + ": update both programs");
        hello_seen = true;
        return;
    }
    case Type::offer: return on_offer(parse_control(m));
    case Type::accept: return on_accept(parse_control(m));
    case Type::decline: return on_decline(parse_control(m));
    case Type::data: return on_data(m);
    case Type::ack: return on_ack(m);
    case Type::result: return on_result(parse_control(m));
    case Type::cancel: return on_cancel(parse_control(m));
    case Type::pause: return set_paused(get_id(parse_control(m)), true);
    case Type::resume: return set_paused(get_id(parse_control(m)), false);
    case Type::error: throw PeerError(get_str(parse_control(m), "message"));
    case Type::verify: return on_verify(parse_control(m));
    }
}

// The channel is over: every transfer still running ends; partial files stay.
void EndpointImpl::end_all(const std::string& reason) {
    std::map<std::uint32_t, std::shared_ptr<Outgoing>> outs;
    std::map<std::uint32_t, std::shared_ptr<Incoming>> ins;
    {
        std::lock_guard<std::mutex> lk(mu);
        ended = true;  // from now on send_file refuses: nobody would answer
        outs.swap(out);
        ins.swap(in);
    }
    std::string text = "the connection ended before the transfer finished (" + reason +
                       "); offering the same file again resumes it";
    for (auto& [id, o] : outs) done({id, Direction::send, false, text, o->state != OutState::offered});
    for (auto& [id, i] : ins) {
        bool started;
        {
            std::lock_guard<std::mutex> lk(i->io);
            started = i->state == InState::receiving;
            close_partial(*i, true);
        }
        done({id | kIncoming, Direction::receive, false, text, started});
    }
}

// Consent withdrawn: stop everything in both directions, keep partials.
void EndpointImpl::stop_all_for_consent() {
    std::vector<std::uint32_t> outs, ins;
    {
        std::lock_guard<std::mutex> lk(mu);
        for (auto& kv : out) outs.push_back(kv.first);
        for (auto& kv : in) ins.push_back(kv.first);
    }
    for (auto id : outs) cancel_out(id, kConsentOffText, true, true);
    for (auto id : ins) cancel_in(id, kConsentOffText, true, true);
}

// ---- writer ---------------------------------------------------------------

namespace {
struct Work {
    std::string message;             // a control message, or
    std::shared_ptr<Outgoing> data;  // a chunk of this file
    std::uint64_t offset = 0;
    std::size_t len = 0;
    bool stop = false;
};
}  // namespace

void EndpointImpl::writer_loop() {
    std::vector<char> buf(proto::kHeaderSize + proto::kDataHeaderSize + proto::kChunk);
    try {
        for (;;) {
            Work w;
            {
                std::unique_lock<std::mutex> lk(mu);
                cv.wait(lk, [&] {
                    if (!control.empty() || !acks.empty() || stopping) return true;
                    w.data = pick_sendable_locked(w.offset, w.len);
                    return w.data != nullptr;
                });
                if (!control.empty()) {
                    w.message = std::move(control.front());
                    control.pop_front();
                } else if (!acks.empty()) {
                    w.message = proto::encode_ack(acks.begin()->first, acks.begin()->second);
                    acks.erase(acks.begin());
                } else if (stopping) {
                    w.stop = true;
                }
                if (!w.message.empty() || w.stop) w.data.reset();
                if (w.data) {  // commit the pick made inside the predicate
                    w.data->sent = w.offset + w.len;
                    if (w.data->sent == w.data->size) w.data->state = OutState::awaiting_result;
                }
            }
            if (w.stop) return;
            if (!w.message.empty()) channel.write(w.message.data(), w.message.size());
            else if (!consent_allowed()) stop_all_for_consent();
            else send_chunk(w.data, w.offset, w.len, buf);
        }
    } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lk(mu);
        if (!stopping) writer_error = std::string("the file channel failed: ") + e.what();
        channel.close();  // wakes the reader: the channel is unusable
    }
}

void EndpointImpl::stop_writer(bool flush) {
    {
        std::lock_guard<std::mutex> lk(mu);
        stopping = true;
        cv.notify_all();
    }
    if (!flush) channel.close();  // wakes a writer blocked by back-pressure
    if (writer.joinable()) writer.join();
    channel.close();
}

// ---- public ---------------------------------------------------------------

FileEndpoint::FileEndpoint(session::ByteStream& channel, Options options)
    : impl_(std::make_unique<EndpointImpl>(channel, std::move(options))) {
    impl_->enqueue(Type::hello, {{"version", proto::kVersion}});
}

FileEndpoint::~FileEndpoint() {
    if (impl_->writer.joinable()) {  // run() never returned: should not happen, but do not terminate()
        impl_->stop_writer(false);
    }
}

TransferId FileEndpoint::send_file(const std::string& path, const std::string& offered_name, bool start_paused) {
    return impl_->send_file(path, offered_name, start_paused);
}

void FileEndpoint::accept(TransferId id) { impl_->accept(static_cast<std::uint32_t>(id)); }

void FileEndpoint::decline(TransferId id, const std::string& reason) {
    impl_->decline(static_cast<std::uint32_t>(id), reason, "user");
}

void FileEndpoint::cancel(TransferId id) {
    auto wire = static_cast<std::uint32_t>(id);
    if (id & kIncoming) impl_->cancel_in(wire, "the receiver cancelled the transfer", false, true);
    else impl_->cancel_out(wire, "the sender cancelled the transfer", false, true);
}

void FileEndpoint::pause(TransferId id) {
    auto wire = static_cast<std::uint32_t>(id);
    if (id & kIncoming) impl_->enqueue(Type::pause, {{"id", wire}});
    else impl_->set_paused(wire, true);
}

void FileEndpoint::resume(TransferId id) {
    auto wire = static_cast<std::uint32_t>(id);
    if (id & kIncoming) impl_->enqueue(Type::resume, {{"id", wire}});
    else impl_->set_paused(wire, false);
}

void FileEndpoint::consent_changed(bool allowed) {
    impl_->consent_flag = allowed;
    if (!allowed) impl_->stop_all_for_consent();
}

std::string FileEndpoint::run() { return impl_->run(); }

void FileEndpoint::close() { impl_->channel.close(); }

Stats FileEndpoint::stats() const { return {impl_->data_sent.load(), impl_->data_received.load()}; }

}  // namespace files
