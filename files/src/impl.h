// FileEndpoint's insides, shared by endpoint.cpp (loops, public calls),
// send.cpp (our offers) and receive.cpp (the peer's offers).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "download_dir.h"
#include "file_hasher.h"
#include "files/file_endpoint.h"
#include "files/sha256.h"
#include "protocol.h"

namespace files {

using json = nlohmann::json;

// Unacknowledged bytes a sender may have in flight per transfer. Large
// enough to fill a ~100 ms relay round trip at ~20 MB/s; small enough that a
// reconnect re-sends little (docs/FILES.md, "Flow control").
constexpr std::uint64_t kSendWindow = 2 * 1024 * 1024;

// The receiver acknowledges every this many bytes (and at the end): fewer
// wakeups than one ACK per chunk, still 8 ACKs per send window.
constexpr std::uint64_t kAckEvery = 256 * 1024;

// Outgoing state machine: offered -> sending -> awaiting_result -> (gone).
enum class OutState { offered, sending, awaiting_result };

// One file we send. Guarded by EndpointImpl::mu, except `file`, which only the
// writer reads (read_at) and which lives as long as any shared_ptr to this object.
struct Outgoing {
    std::uint32_t wire = 0;
    File file;
    std::unique_ptr<FileHasher> hasher;  // reads `file`: declared after it, so it stops first
    std::string name;
    std::uint64_t size = 0;
    std::uint64_t stamp = 0;  // File::modified(), part of the resume key
    OutState state = OutState::offered;
    std::uint64_t sent = 0;   // bytes handed to the writer
    std::uint64_t acked = 0;  // bytes the receiver confirmed written
    bool paused = false;
};

// Incoming state machine: deciding -> receiving -> finished.
enum class InState { deciding, receiving, finished };

// One file we receive. `io` guards everything below it (the reader writes
// and hashes under it; cancel/accept from other threads take it too).
struct Incoming {
    OfferInfo info;
    std::string key;  // names the partial file: derived from (sha256, size, name)
    std::mutex io;
    InState state = InState::deciding;
    Partial partial;
    std::unique_ptr<FileHasher> hasher;  // follows `written` in the partial; stopped before it closes
    std::string peer_sha256;             // from VERIFY ("" until it came); lowercase hex
    std::uint64_t written = 0;  // bytes; also the offset the next chunk must have
    std::uint64_t acked = 0;    // bytes announced to the sender with ACK
};

struct EndpointImpl {
    EndpointImpl(session::ByteStream& c, Options o) : channel(c), opt(std::move(o)) {}

    session::ByteStream& channel;
    const Options opt;

    std::mutex mu;               // guards everything down to `writer_error`
    std::condition_variable cv;  // the writer waits here for work
    std::deque<std::string> control;             // whole encoded messages, in order
    std::map<std::uint32_t, std::uint64_t> acks;  // coalesced: latest offset per transfer
    std::map<std::uint32_t, std::shared_ptr<Outgoing>> out;
    std::map<std::uint32_t, std::shared_ptr<Incoming>> in;  // by the peer's id
    std::uint32_t next_out_id = 1;
    std::uint32_t max_in_id = 0;    // highest id the peer offered (ids only grow)
    std::uint32_t last_picked = 0;  // round-robin cursor over `out`
    bool stopping = false;          // writer: flush control messages, then exit
    bool ended = false;             // run() is over: no new transfers
    std::string writer_error;

    std::unique_ptr<DownloadDir> dir;  // opened at the first offer
    bool hello_seen = false;           // reader thread only
    std::atomic<bool> consent_flag{true};
    std::atomic<std::uint64_t> data_sent{0}, data_received{0};
    std::thread writer;

    // endpoint.cpp
    bool consent_allowed() const;
    void enqueue(proto::Type type, const json& body);  // locks mu
    void enqueue_locked(proto::Type type, const json& body);
    void done(const Outcome& o) const;
    void progress(TransferId id, Direction d, std::uint64_t bytes, std::uint64_t total) const;
    std::string run();
    std::string read_loop();
    void dispatch(const proto::Message& m);
    void writer_loop();
    void stop_writer(bool flush);
    void end_all(const std::string& reason);
    void stop_all_for_consent();

    // send.cpp
    TransferId send_file(const std::string& path, const std::string& offered_name, bool start_paused);
    std::shared_ptr<Outgoing> find_out(std::uint32_t id, const char* what);
    std::shared_ptr<Outgoing> take_out(std::uint32_t id);
    void on_accept(const json& j);
    void on_decline(const json& j);
    void on_ack(const proto::Message& m);
    void on_result(const json& j);
    void cancel_out(std::uint32_t id, const std::string& reason, bool keep, bool tell_peer);
    void set_paused(std::uint32_t id, bool paused);
    void on_hashed(std::uint32_t id, const std::string& hex, const std::string& error);
    void send_chunk(const std::shared_ptr<Outgoing>& o, std::uint64_t offset, std::size_t len, std::vector<char>& buf);
    std::shared_ptr<Outgoing> pick_sendable_locked(std::uint64_t& offset, std::size_t& len);

    // receive.cpp
    void on_offer(const json& j);
    void on_data(const proto::Message& m);
    void on_verify(const json& j);
    std::shared_ptr<Incoming> find_in(std::uint32_t id, const char* what);
    std::string write_chunk(Incoming& inc, const char* bytes, std::size_t len);
    void accept(std::uint32_t id);
    void decline(std::uint32_t id, const std::string& reason, const std::string& code);
    void cancel_in(std::uint32_t id, const std::string& reason, bool keep, bool tell_peer);
    void finalize(const std::shared_ptr<Incoming>& inc);
    std::shared_ptr<Incoming> take_in(std::uint32_t id);
    void close_partial(Incoming& inc, bool keep);
    void on_cancel(const json& j);
};

// JSON field readers: throw proto::ProtocolError naming the field.
json parse_control(const proto::Message& m);
std::uint32_t get_id(const json& j);
std::uint64_t get_u64(const json& j, const char* field);
std::string get_str(const json& j, const char* field);
bool get_bool(const json& j, const char* field);

// Sentences shared by both sides (docs/FILES.md quotes them).
extern const char* const kConsentOffText;

}  // namespace files
