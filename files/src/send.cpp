// Our side of transfers we send: offer, stream chunks within the window,
// follow the receiver's acks and final result.
#include "impl.h"

namespace files {

using proto::ProtocolError;
using proto::Type;

namespace {

// The file's own name: after the last '/' (or '\', a Windows separator).
std::string last_component(const std::string& path) {
    std::size_t slash = path.find_last_of("/\\");
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

// The offer goes out now; the hasher reads the file beside the data and
// its VERIFY follows whenever it is done (the OFFER is queued first).
TransferId EndpointImpl::send_file(const std::string& path, const std::string& offered_name, bool start_paused) {
    if (!consent_allowed()) throw std::runtime_error("file transfer is switched off (F12): switch it on to send files");
    auto o = std::make_shared<Outgoing>();
    o->file = File::open_read(path);
    o->size = o->file.size();
    o->stamp = o->file.modified();
    o->name = offered_name.empty() ? last_component(path) : offered_name;
    o->paused = start_paused;
    std::lock_guard<std::mutex> lk(mu);
    if (ended) throw std::runtime_error("the file channel is closed: reconnect, then send the file again");
    o->wire = next_out_id++;
    out[o->wire] = o;
    enqueue_locked(Type::offer, {{"id", o->wire}, {"name", o->name}, {"size", o->size}, {"stamp", o->stamp}});
    std::uint32_t id = o->wire;
    o->hasher = std::make_unique<FileHasher>(o->file, o->size, o->size, [this, id](const std::string& hex, const std::string& error) {
        on_hashed(id, hex, error);
    });
    return id;
}

// On the hasher's thread. A file that cannot be read to the end cannot be
// verified: the transfer stops, as when the writer cannot read it.
void EndpointImpl::on_hashed(std::uint32_t id, const std::string& hex, const std::string& error) {
    if (!error.empty()) return cancel_out(id, "the sender can no longer read the file (" + error + ")", false, true);
    std::lock_guard<std::mutex> lk(mu);
    if (out.count(id)) enqueue_locked(Type::verify, {{"id", id}, {"sha256", hex}});
}

// A message about a transfer we no longer have is normal after a cancel
// crossed it on the wire; an id we never used is a protocol error.
std::shared_ptr<Outgoing> EndpointImpl::find_out(std::uint32_t id, const char* what) {
    auto it = out.find(id);
    if (it != out.end()) return it->second;
    if (id >= next_out_id) throw ProtocolError(std::string(what) + " for transfer " + std::to_string(id) + ", which was never offered");
    return nullptr;
}

std::shared_ptr<Outgoing> EndpointImpl::take_out(std::uint32_t id) {
    std::lock_guard<std::mutex> lk(mu);
    auto it = out.find(id);
    if (it == out.end()) return nullptr;
    auto o = it->second;
    out.erase(it);
    acks.erase(id);
    return o;
}

void EndpointImpl::on_accept(const json& j) {
    std::uint32_t id = get_id(j);
    std::uint64_t offset = get_u64(j, "offset");
    std::shared_ptr<Outgoing> o;
    {
        std::lock_guard<std::mutex> lk(mu);
        if (!(o = find_out(id, "ACCEPT"))) return;
        if (o->state != OutState::offered) throw ProtocolError("ACCEPT twice for transfer " + std::to_string(id));
        if (offset > o->size) throw ProtocolError("ACCEPT offset " + std::to_string(offset) + " is beyond the file size");
        o->sent = o->acked = offset;
        o->state = offset == o->size ? OutState::awaiting_result : OutState::sending;
        cv.notify_all();
    }
    progress(id, Direction::send, offset, o->size);
}

void EndpointImpl::on_decline(const json& j) {
    std::uint32_t id = get_id(j);
    std::string reason = get_str(j, "reason");
    {
        std::lock_guard<std::mutex> lk(mu);
        if (!find_out(id, "DECLINE")) return;
    }
    if (take_out(id)) done({id, Direction::send, false, "the other side refused the file: " + reason, false});
}

void EndpointImpl::on_ack(const proto::Message& m) {
    proto::Binary b = proto::decode_binary(m);
    if (m.size != proto::kDataHeaderSize) throw ProtocolError("ACK has trailing bytes");
    std::shared_ptr<Outgoing> o;
    {
        std::lock_guard<std::mutex> lk(mu);
        if (!(o = find_out(b.id, "ACK"))) return;
        if (b.offset < o->acked || b.offset > o->sent)
            throw ProtocolError("ACK offset " + std::to_string(b.offset) + " is outside what was sent");
        o->acked = b.offset;
        cv.notify_all();  // the window moved
    }
    progress(b.id, Direction::send, b.offset, o->size);
}

void EndpointImpl::on_result(const json& j) {
    std::uint32_t id = get_id(j);
    bool ok = get_bool(j, "ok");
    std::string text = get_str(j, "text");
    {
        std::lock_guard<std::mutex> lk(mu);
        if (!find_out(id, "RESULT")) return;
    }
    if (!take_out(id)) return;
    if (ok) done({id, Direction::send, true, text, false});
    else done({id, Direction::send, false, "the receiver rejected the file: " + text, false});
}

void EndpointImpl::cancel_out(std::uint32_t id, const std::string& reason, bool keep, bool tell_peer) {
    if (!take_out(id)) return;
    if (tell_peer) enqueue(Type::cancel, {{"id", id}, {"by", "sender"}, {"reason", reason}, {"keep", keep}});
    done({id, Direction::send, false, reason, keep});
}

void EndpointImpl::set_paused(std::uint32_t id, bool paused) {
    std::lock_guard<std::mutex> lk(mu);
    auto o = find_out(id, paused ? "PAUSE" : "RESUME");
    if (!o) return;
    o->paused = paused;
    cv.notify_all();
}

// Round robin over transfers that may send now: accepted, not paused, more
// to send, and less than kSendWindow unacknowledged. Called with mu held;
// does not change the transfer (the writer commits the pick).
std::shared_ptr<Outgoing> EndpointImpl::pick_sendable_locked(std::uint64_t& offset, std::size_t& len) {
    auto sendable = [](const Outgoing& o) {
        return o.state == OutState::sending && !o.paused && o.sent < o.size && o.sent - o.acked < kSendWindow;
    };
    auto start = out.upper_bound(last_picked);
    for (std::size_t n = 0; n < out.size(); ++n, ++start) {
        if (start == out.end()) start = out.begin();
        Outgoing& o = *start->second;
        if (!sendable(o)) continue;
        last_picked = start->first;
        offset = o.sent;
        len = static_cast<std::size_t>(std::min<std::uint64_t>(proto::kSendChunk, o.size - o.sent));
        return start->second;
    }
    return nullptr;
}

// Writer thread: one DATA message, read straight into the outgoing buffer.
void EndpointImpl::send_chunk(const std::shared_ptr<Outgoing>& o, std::uint64_t offset, std::size_t len, std::vector<char>& buf) {
    char* body = buf.data() + proto::kHeaderSize + proto::kDataHeaderSize;
    for (std::size_t got = 0; got < len;) {
        std::string why;
        std::size_t n = 0;
        try {
            n = o->file.read_at(body + got, len - got, offset + got);
            if (n == 0) why = "it became shorter";
        } catch (const std::exception& e) {
            why = e.what();
        }
        if (!why.empty()) return cancel_out(o->wire, "the sender can no longer read the file (" + why + ")", false, true);
        got += n;
    }
    proto::put_header(buf.data(), Type::data, static_cast<std::uint32_t>(proto::kDataHeaderSize + len));
    proto::put_data_header(buf.data() + proto::kHeaderSize, o->wire, offset);
    channel.write(buf.data(), proto::kHeaderSize + proto::kDataHeaderSize + len);
    data_sent += len;
}

}  // namespace files
