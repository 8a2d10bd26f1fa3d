// Feeds one SessionRecord from what a program's session does (issue 19),
// the same on the desk and on the customer's side: the link's route, proxy
// and transport (each move between stream and poll mode as the transport
// choice makes it), and the transfers that ended, from the FileService's
// rows. Portable (Linux and Windows).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "remote/channels.h"
#include "remote/file_service.h"
#include "remote/session_record.h"

namespace remote {

class SessionRecorder {
public:
    SessionRecorder() = default;
    ~SessionRecorder() { end_transport(); }
    SessionRecorder(const SessionRecorder&) = delete;
    SessionRecorder& operator=(const SessionRecorder&) = delete;

    // A new session over `link`: records its start (role, relay, route,
    // proxy, transport) and authentication string into `record`, and from
    // then on each transport change. `link` and its watch may go away
    // before end(): the recorder holds the watch, not the link.
    void begin(std::shared_ptr<SessionRecord> record, const std::string& role, const std::string& relay,
               const SessionLink& link);
    // Runs `f` on the current record, if any (any thread).
    void with(const std::function<void(SessionRecord&)>& f);
    // Records the transfers that ended since the last call (TransferRow::ended),
    // in the order they ended. Any thread; `rows` as FileService::rows().
    void files(std::vector<TransferRow> rows);
    // The session's end: the transport is no longer watched and `reason`
    // is the record's last line. The record stays (current()) until the next begin().
    void end(const std::string& reason);
    std::shared_ptr<SessionRecord> current() const;
    // Drops the record (a file record is closed); with() does nothing until the next begin().
    void close();

private:
    void note_transport(session::TransportMode m);  // a move: recorded when it differs from the last
    void end_transport();                           // stops listening; takes no lock of ours

    mutable std::mutex mu_;  // a leaf: nothing else is locked under it (the watch calls in holding its own)
    std::shared_ptr<SessionRecord> record_;
    std::uint64_t recorded_ended_ = 0;  // TransferRow::ended of the last file recorded
    session::TransportMode mode_ = session::TransportMode::automatic;  // as last recorded
    std::shared_ptr<session::TransportWatch> watch_;  // during a session over a relay
};

// "stream", "poll", or "" before the first carrier.
std::string transport_word(session::TransportMode m);

}  // namespace remote
