// Our side of transfers the peer sends: check the offer (consent, name),
// ask the user, write chunks to a partial file, verify, rename into place.
#include "files/names.h"
#include "impl.h"

namespace files {

using proto::ProtocolError;
using proto::Type;

namespace {

bool is_sha256_hex(const std::string& s) {
    return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// The partial file's name: one transfer = (the sender's modification
// stamp, size, sanitised name). A file changed without its stamp moving
// fails the final check and is sent again from the start: never kept.
std::string transfer_key(std::uint64_t stamp, std::uint64_t size, const std::string& name) {
    Sha256 h;
    std::string id = "tether-partial-2\n" + std::to_string(stamp) + "\n" + std::to_string(size) + "\n" + name;
    h.update(id.data(), id.size());
    return to_hex(h.finish()).substr(0, 32);
}

}  // namespace

void EndpointImpl::on_offer(const json& j) {
    std::uint32_t id = get_id(j);
    std::string name = get_str(j, "name");
    std::uint64_t size = get_u64(j, "size");
    std::uint64_t stamp = get_u64(j, "stamp");
    if (id <= max_in_id) throw ProtocolError("OFFER reuses transfer id " + std::to_string(id));
    max_in_id = id;
    auto refuse = [&](const std::string& reason, const char* code) {
        enqueue(Type::decline, {{"id", id}, {"reason", reason}, {"code", code}});
        if (opt.on_refused) opt.on_refused(name, size, reason, code);
    };
    if (!consent_allowed())
        return refuse("file transfer is switched off on the customer's side (F12): ask them to switch it on", "consent");
    SanitisedName safe = sanitise_name(name);
    if (!safe.ok) return refuse(safe.reason, "name");
    try {
        if (!dir) dir = std::make_unique<DownloadDir>(opt.download_dir);
    } catch (const std::exception& e) {
        return refuse(std::string("the receiver cannot save files: ") + e.what(), "disk");
    }
    auto inc = std::make_shared<Incoming>();
    inc->key = transfer_key(stamp, size, safe.name);
    std::uint64_t partial = dir->partial_length(inc->key);
    inc->info = {id | kIncoming, name, safe.name, size, partial <= size ? partial : 0};
    bool busy = false;
    {
        std::lock_guard<std::mutex> lk(mu);
        for (auto& kv : in) busy = busy || kv.second->key == inc->key;
        if (!busy) in[id] = inc;
    }
    if (busy) return refuse("the receiver is already receiving this file", "busy");
    Decision d = opt.on_offer ? opt.on_offer(inc->info) : Decision::accept;
    if (d == Decision::accept) accept(id);
    else if (d == Decision::decline) decline(id, "the receiver declined the file", "user");
}

std::shared_ptr<Incoming> EndpointImpl::take_in(std::uint32_t id) {
    std::lock_guard<std::mutex> lk(mu);
    auto it = in.find(id);
    if (it == in.end()) return nullptr;
    auto inc = it->second;
    in.erase(it);
    acks.erase(id);
    return inc;
}

// Called with inc.io held. keep: leave the partial for a later resume.
void EndpointImpl::close_partial(Incoming& inc, bool keep) {
    inc.hasher.reset();  // it reads the partial: stop it before closing
    bool had_file = inc.partial.file.is_open();
    inc.partial.file.close();
    inc.state = InState::finished;
    if (!keep && had_file && dir) dir->remove(inc.key);
}

void EndpointImpl::accept(std::uint32_t id) {
    std::shared_ptr<Incoming> inc;
    {
        std::lock_guard<std::mutex> lk(mu);
        auto it = in.find(id);
        if (it == in.end()) return;
        inc = it->second;
    }
    std::unique_lock<std::mutex> lk(inc->io);
    if (inc->state != InState::deciding) return;
    try {
        json meta = {{"name", inc->info.save_name}, {"size", inc->info.size}};
        inc->partial = dir->open_partial(inc->key, meta.dump());
        if (inc->partial.length > inc->info.size) {  // not ours after all: start over
            inc->partial.file.truncate(0);
            inc->partial.length = 0;
        }
        inc->partial.file.reserve(inc->partial.length, inc->info.size);
    } catch (const std::exception& e) {
        // A partial that holds no byte yet is litter: remove it. One with
        // bytes from an earlier attempt stays, to resume once there is room.
        if (inc->partial.file.is_open() && inc->partial.length == 0) close_partial(*inc, false);
        lk.unlock();
        return decline(id, std::string("the receiver cannot save the file: ") + e.what(), "disk");
    }
    inc->written = inc->acked = inc->info.resume_from = inc->partial.length;
    inc->hasher = std::make_unique<FileHasher>(inc->partial.file, inc->info.size, inc->written);  // a resumed prefix too
    inc->state = InState::receiving;
    enqueue(Type::accept, {{"id", id}, {"offset", inc->written}});
    lk.unlock();
    progress(inc->info.id, Direction::receive, inc->written, inc->info.size);
    if (inc->written == inc->info.size) finalize(inc);
}

void EndpointImpl::decline(std::uint32_t id, const std::string& reason, const std::string& code) {
    auto inc = take_in(id);
    if (!inc) return;
    {
        std::lock_guard<std::mutex> lk(inc->io);
        close_partial(*inc, true);
    }
    enqueue(Type::decline, {{"id", id}, {"reason", reason}, {"code", code}});
    done({inc->info.id, Direction::receive, false, reason, false});
}

// The transfer a DATA message is for; null if it was cancelled here while
// the chunk was on the wire.
std::shared_ptr<Incoming> EndpointImpl::find_in(std::uint32_t id, const char* what) {
    std::lock_guard<std::mutex> lk(mu);
    auto it = in.find(id);
    if (it != in.end()) return it->second;
    if (id == 0 || id > max_in_id) throw ProtocolError(std::string(what) + " for transfer " + std::to_string(id) + ", which was never offered");
    return nullptr;
}

namespace {
// Chunks must continue exactly where the file stands and stay inside it.
void check_chunk(const Incoming& inc, std::uint32_t id, std::uint64_t offset, std::size_t len) {
    if (inc.state == InState::deciding) throw ProtocolError("DATA before ACCEPT for transfer " + std::to_string(id));
    if (len == 0) throw ProtocolError("empty DATA message");
    if (offset != inc.written)
        throw ProtocolError("DATA at offset " + std::to_string(offset) + ", expected " + std::to_string(inc.written) +
                            " (chunks must be in order, without gaps or overlaps)");
    if (offset + len > inc.info.size) throw ProtocolError("DATA goes beyond the offered size");
}
}  // namespace

void EndpointImpl::on_data(const proto::Message& m) {
    proto::Binary b = proto::decode_binary(m);
    std::size_t len = m.size - proto::kDataHeaderSize;
    std::shared_ptr<Incoming> inc = find_in(b.id, "DATA");
    if (!inc) return;
    if (!consent_allowed()) return stop_all_for_consent();
    std::unique_lock<std::mutex> lk(inc->io);
    if (inc->state == InState::finished) return;  // cancelled while the chunk was on the wire
    check_chunk(*inc, b.id, b.offset, len);
    std::string error = write_chunk(*inc, m.payload + proto::kDataHeaderSize, len);
    if (!error.empty()) {
        lk.unlock();
        return cancel_in(b.id, "the receiver could not write the file: " + error, true, true);
    }
    lk.unlock();
    progress(inc->info.id, Direction::receive, inc->written, inc->info.size);
    if (inc->written == inc->info.size) finalize(inc);
}

// Called with inc.io held: writes and hashes the chunk, queues an ACK every
// kAckEvery bytes. Returns "" or why the file could not be written.
std::string EndpointImpl::write_chunk(Incoming& inc, const char* bytes, std::size_t len) {
    try {
        inc.partial.file.write_at(bytes, len, inc.written);
    } catch (const std::exception& e) {
        return e.what();
    }
    inc.written += len;
    data_received += len;
    if (inc.written - inc.acked >= kAckEvery || inc.written == inc.info.size) {
        inc.acked = inc.written;
        inc.hasher->available(inc.written);
        std::lock_guard<std::mutex> g(mu);
        acks[static_cast<std::uint32_t>(inc.info.id)] = inc.written;
        cv.notify_all();
    }
    return "";
}

// The sender's SHA-256 of the whole file; it may come before, during or
// after the data. The last of the two completes the transfer.
void EndpointImpl::on_verify(const json& j) {
    std::uint32_t id = get_id(j);
    std::string sha = get_str(j, "sha256");
    if (!is_sha256_hex(sha)) throw ProtocolError("VERIFY sha256 is not 64 lowercase hex digits");
    std::shared_ptr<Incoming> inc = find_in(id, "VERIFY");
    if (!inc) return;
    {
        std::lock_guard<std::mutex> lk(inc->io);
        if (inc->state == InState::finished) return;
        if (!inc->peer_sha256.empty()) throw ProtocolError("VERIFY twice for transfer " + std::to_string(id));
        inc->peer_sha256 = sha;
    }
    finalize(inc);
}

namespace {
// Our hash of the partial, once the hasher has read it all ("" if unreadable).
std::string hash_of_partial(Incoming& inc) {
    try {
        return inc.hasher->wait();
    } catch (const std::exception&) {
        return "";
    }
}
}  // namespace

// Once all bytes are in and the sender's hash came: compare the SHA-256,
// then make the file durable and rename it into place; on mismatch the
// partial is deleted (we cannot tell which bytes were bad, so resuming from
// it would keep them). Before that, nothing happens.
void EndpointImpl::finalize(const std::shared_ptr<Incoming>& inc) {
    std::string name, error;
    {
        std::lock_guard<std::mutex> lk(inc->io);
        if (inc->state != InState::receiving || inc->written != inc->info.size || inc->peer_sha256.empty()) return;
        if (hash_of_partial(*inc) != inc->peer_sha256) {
            error = "integrity check failed: the received data does not match the sender's SHA-256; the file was discarded";
        } else {
            try {
                inc->partial.file.sync();
                name = dir->commit(inc->key, inc->info.save_name);
            } catch (const std::exception& e) {
                error = std::string("the receiver could not store the file: ") + e.what();
            }
        }
        close_partial(*inc, false);
    }
    if (!take_in(static_cast<std::uint32_t>(inc->info.id))) return;
    bool ok = error.empty();
    enqueue(Type::result, {{"id", static_cast<std::uint32_t>(inc->info.id)}, {"ok", ok}, {"text", ok ? name : error}});
    done({inc->info.id, Direction::receive, ok, ok ? name : error, false});
}

void EndpointImpl::cancel_in(std::uint32_t id, const std::string& reason, bool keep, bool tell_peer) {
    auto inc = take_in(id);
    if (!inc) return;
    bool started;
    {
        std::lock_guard<std::mutex> lk(inc->io);
        started = inc->state == InState::receiving;
        close_partial(*inc, keep);
    }
    if (tell_peer) enqueue(Type::cancel, {{"id", id}, {"by", "receiver"}, {"reason", reason}, {"keep", keep}});
    done({inc->info.id, Direction::receive, false, reason, keep && started});
}

void EndpointImpl::on_cancel(const json& j) {
    std::uint32_t id = get_id(j);
    std::string by = get_str(j, "by");
    std::string reason = get_str(j, "reason");
    bool keep = get_bool(j, "keep");
    // "the sender cancelled the transfer" needs no "the sender stopped the transfer: " before it.
    auto said_by = [&](const std::string& who) {
        return reason.rfind("the " + who + " ", 0) == 0 ? reason : "the " + who + " stopped the transfer: " + reason;
    };
    if (by == "sender") {
        if (id > max_in_id) throw ProtocolError("CANCEL for transfer " + std::to_string(id) + ", which was never offered");
        return cancel_in(id, said_by("sender"), keep, false);
    }
    if (by != "receiver") throw ProtocolError("CANCEL field \"by\" must be \"sender\" or \"receiver\"");
    {
        std::lock_guard<std::mutex> lk(mu);
        if (!find_out(id, "CANCEL")) return;
    }
    cancel_out(id, said_by("receiver"), keep, false);
}

}  // namespace files
