// File transfer both ways over one ByteStream (the session's file channel):
// offer with name, size and SHA-256; the receiver accepts or declines; data in
// 64 KiB chunks with offsets; resume after a reconnect; final SHA-256 check;
// temporary file then rename, never overwriting. Protocol: docs/FILES.md.
//
// Threading contract:
//   - run() is the reader loop: call it on one thread; it returns when the
//     channel ends (peer closed, close(), stream failure or protocol error).
//     While it runs, an internal writer thread sends messages and file data.
//   - send_file, accept, decline, cancel, pause, resume, consent_changed and
//     close may be called from any thread, before or while run() runs.
//   - Callbacks run on run()'s thread or on the writer thread, never with an
//     internal lock held: they may call back into the endpoint. They must not
//     block for long (on_progress comes once per chunk): post to your GUI.
// Lifetime: the channel must outlive the endpoint; destroy the endpoint only
// after run() has returned (or if it was never called).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "session/byte_stream.h"

namespace files {

// Outgoing transfers have the id the sender gave them on the wire; incoming
// ones have the sender's id with kIncoming set, so ids never collide locally.
using TransferId = std::uint64_t;
constexpr TransferId kIncoming = TransferId{1} << 32;

enum class Direction { send, receive };

// What the user of an endpoint decides about an incoming offer.
enum class Decision {
    accept,
    decline,
    defer,  // decide later with accept(id) or decline(id, reason)
};

struct OfferInfo {
    TransferId id = 0;
    std::string offered_name;  // as the peer sent it (hostile: display escaped)
    std::string save_name;     // sanitised; the final name may get a " (n)" suffix
    std::uint64_t size = 0;    // bytes
    std::uint64_t resume_from = 0;  // bytes of a partial from an earlier attempt
};

struct Outcome {
    TransferId id = 0;
    Direction direction = Direction::send;
    bool ok = false;
    // ok: the final file name in the receiver's download folder (both sides).
    // !ok: a sentence for the user, e.g. why the peer refused.
    std::string text;
    // !ok: a partial file is kept and offering the same file again resumes.
    bool resumable = false;
};

struct Options {
    // Where received files go. Only this folder is ever written.
    std::string download_dir;
    // Is file transfer allowed right now (F12 on the client)? Checked for
    // every offer and every chunk, both directions. Empty: allowed unless
    // consent_changed(false) was called last (the desk passes nothing).
    std::function<bool()> consent;
    // An offer arrived (after name sanitising and consent checks). Empty: accept.
    std::function<Decision(const OfferInfo&)> on_offer;
    // Bytes confirmed so far: written by us (receive) or acknowledged by the
    // receiver (send), out of `total`.
    std::function<void(TransferId, Direction, std::uint64_t bytes, std::uint64_t total)> on_progress;
    // Exactly once per transfer that send_file returned or on_offer announced.
    std::function<void(const Outcome&)> on_done;
    // An offer the endpoint declined by itself, before on_offer: consent off
    // (code "consent"), an unusable name ("name"), no folder ("disk"), the
    // same file already arriving ("busy"). The receiver's person should
    // know what they missed; the sender gets the DECLINE as always.
    std::function<void(const std::string& offered_name, std::uint64_t size, const std::string& reason,
                       const std::string& code)> on_refused;
};

// Counters for tests and benchmarks (bytes of file data in DATA messages).
struct Stats {
    std::uint64_t data_sent = 0;
    std::uint64_t data_received = 0;
};

struct EndpointImpl;  // files/src/impl.h

class FileEndpoint {
public:
    // `channel` is borrowed: it must outlive this object.
    FileEndpoint(session::ByteStream& channel, Options options);
    ~FileEndpoint();
    FileEndpoint(const FileEndpoint&) = delete;
    FileEndpoint& operator=(const FileEndpoint&) = delete;

    // Offers a regular file to the peer under `offered_name` (default: the
    // path's last component) at once: the SHA-256 is computed on a thread of
    // its own while the data moves and sent when ready (VERIFY). Opens the
    // file on the calling thread, nothing more.
    // With `start_paused`, the offer goes out but no data until resume(id).
    // Throws std::runtime_error if consent is off, the file is unreadable,
    // or run() has already returned (the channel is over).
    TransferId send_file(const std::string& path, const std::string& offered_name = "", bool start_paused = false);

    // Answers an offer deferred by on_offer.
    void accept(TransferId id);
    void decline(TransferId id, const std::string& reason);

    // Stops a transfer for good: the receiver's partial file is deleted.
    void cancel(TransferId id);
    // Suspends or continues sending (works on both sides; the receiver asks the sender).
    void pause(TransferId id);
    void resume(TransferId id);

    // The user switched file transfer on or off (F12). Off stops every
    // transfer in both directions now; partial files are kept, resumable.
    void consent_changed(bool allowed);

    // Reader loop; see the threading contract; call it once. Returns "" when
    // the channel ended cleanly, else the reason (stream failure, protocol
    // error). Every transfer still running then gets its on_done.
    // The receiver hashes what it has written (a resumed partial too) on a
    // thread of its own and compares with the sender's VERIFY at the end.
    std::string run();

    // Ends the channel now (ByteStream::close): run() returns soon after.
    void close();

    Stats stats() const;

private:
    std::unique_ptr<EndpointImpl> impl_;
};

}  // namespace files
