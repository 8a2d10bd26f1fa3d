// What both windows say, in the same words, and the --status-file that lets
// scripts and tests read the visible status without looking at pixels.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "remote/channels.h"
#include "remote/consent.h"
#include "remote/file_service.h"
#include "session/session_stream.h"

namespace remote {

// What the customer's side shows: the Linux window, and the status file of
// both platforms' clients.
struct CustomerView {
    std::string status = "Type the code your supporter gave you, then Connect.";
    std::string peer;
    std::string auth;   // short authentication string to compare on the phone
    std::string route;  // how the session reaches the peer (SessionLink::route)
    ConsentState consent;
    bool active = false;  // connecting or connected
    bool failed = false;  // the last attempt never reached the supporter (headless: exit 2)
    bool control_asked = false;  // the supporter asks for control: the prompt (Allow / Deny) is shown
};

// The customer's --status-file lines: status, peer, auth, route, control,
// files, active, control_asked, download_dir, then the transfers
// (transfer_status_lines).
std::vector<std::pair<std::string, std::string>> customer_status_lines(const CustomerView& v,
                                                                       const std::string& download_dir,
                                                                       const std::vector<TransferRow>& rows);

// "Remote control: off  [F11]" / "File transfer: on  [F12]"
std::string control_label(bool on);
std::string files_label(bool on);

// The customer's prompt when the supporter clicks Request control, and what
// their status line says after Deny: the same words in both windows.
// `peer`: the supporter's name (empty: "Your supporter").
std::string control_request_prompt(const std::string& peer);
std::string control_declined_status(const std::string& peer);

// Writes "key: value" lines to `path` atomically (temp file + rename), so a
// reader never sees a half-written file; LF line ends on every platform.
// No-op for an empty path.
void write_status_file(const std::string& path, const std::vector<std::pair<std::string, std::string>>& kv);

// A status line for a session state change ("Reconnecting... (why)"); empty
// when nothing a person needs to see changed (e.g. a new RTT sample).
std::string describe_status(const session::SessionStatus& s, session::SessionState previous,
                            const std::string& waiting_for);

// How the session reaches the relay, for the status line and the status
// file's `route`, in the same words on every platform: "the relay R through
// PROXY P (from PAC (...))" (`why`: the proxy and its source), "the relay R
// directly", "the relay R directly (from proxy.conf ...)". A DIRECT that
// nothing configured (source "default ...") needs no "(from ...)".
std::string route_sentence(const std::string& relay, bool direct, const std::string& source, const std::string& why);

// SessionStatus callbacks as status lines, once per state change (the
// connectors of both platforms feed their session stream's status here).
session::StatusCallback status_adapter(const StatusFn& status, const std::string& waiting_for);

}  // namespace remote
