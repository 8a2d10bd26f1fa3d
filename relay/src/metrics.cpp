#include "relay/metrics.h"

#include <sstream>

namespace relay {
namespace {

void header(std::ostringstream& o, const char* name, const char* type, const char* help) {
    o << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
}

const char* direction(int side) { return side == 0 ? "desk_to_client" : "client_to_desk"; }

// The join failures worth a label (the others cannot come from a join).
constexpr ApiError kJoinErrors[] = {ApiError::bad_request, ApiError::unknown_code, ApiError::expired_code,
                                    ApiError::used_code, ApiError::ended_session, ApiError::rate_limited};

}  // namespace

const char* refusal_name(Refusal r) {
    static const char* names[kRefusalCount] = {"line_too_long",   "too_many_headers", "head_too_large",
                                               "head_timeout",    "body_too_large",   "body_too_slow",
                                               "bad_content_length", "per_address",   "unauthenticated",
                                               "accept_failed",   "join_failures_per_address",
                                               "join_failures_per_prefix", "join_guard_short_code",
                                               "join_guard_full"};
    return names[static_cast<int>(r)];
}

std::string Metrics::render(const DirectoryCounts& s) const {
    std::ostringstream o;
    header(o, "tether_relay_sessions", "gauge", "Live sessions by state.");
    o << "tether_relay_sessions{state=\"waiting\"} " << s.waiting << '\n'
      << "tether_relay_sessions{state=\"connected\"} " << s.connected << '\n'
      << "tether_relay_sessions{state=\"reconnecting\"} " << s.reconnecting << '\n';
    header(o, "tether_relay_tombstones", "gauge", "Dead codes remembered.");
    o << "tether_relay_tombstones " << s.tombstones << '\n';
    header(o, "tether_relay_sessions_created_total", "counter", "Sessions created.");
    o << "tether_relay_sessions_created_total " << sessions_created << '\n';
    header(o, "tether_relay_joins_total", "counter", "Successful joins.");
    o << "tether_relay_joins_total " << joins << '\n';
    header(o, "tether_relay_join_failures_total", "counter", "Failed joins by reason.");
    for (ApiError e : kJoinErrors)
        o << "tether_relay_join_failures_total{reason=\"" << describe(e).id << "\"} "
          << join_failures[static_cast<int>(e)] << '\n';
    header(o, "tether_relay_rate_limited_total", "counter", "Join attempts and session creations refused with 429.");
    o << "tether_relay_rate_limited_total " << rate_limited << '\n';
    header(o, "tether_relay_protocol_errors_total", "counter", "Streams dropped for malformed frames.");
    o << "tether_relay_protocol_errors_total " << protocol_errors << '\n';
    header(o, "tether_relay_frames_forwarded_total", "counter", "End-to-end frames forwarded.");
    for (int side = 0; side < 2; ++side)
        o << "tether_relay_frames_forwarded_total{direction=\"" << direction(side) << "\"} "
          << frames_forwarded[side] << '\n';
    header(o, "tether_relay_bytes_forwarded_total", "counter", "End-to-end frame bytes forwarded.");
    for (int side = 0; side < 2; ++side)
        o << "tether_relay_bytes_forwarded_total{direction=\"" << direction(side) << "\"} "
          << bytes_forwarded[side] << '\n';
    header(o, "tether_relay_open_streams", "gauge", "Open carrier requests.");
    o << "tether_relay_open_streams{kind=\"down\"} " << open_downlinks << '\n'
      << "tether_relay_open_streams{kind=\"up\"} " << open_uplinks << '\n';
    header(o, "tether_relay_open_connections", "gauge", "Open client connections.");
    o << "tether_relay_open_connections " << open_connections << '\n';
    header(o, "tether_relay_refused_total", "counter", "Connections and requests cut short by a bound, by reason.");
    for (int r = 0; r < kRefusalCount; ++r)
        o << "tether_relay_refused_total{reason=\"" << refusal_name(static_cast<Refusal>(r)) << "\"} " << refused[r]
          << '\n';
    header(o, "tether_relay_join_guard", "gauge", "1 while failed joins run high: new codes are long.");
    o << "tether_relay_join_guard " << join_guard_up << '\n';
    header(o, "tether_relay_join_guard_raised_total", "counter", "Times the join guard went up.");
    o << "tether_relay_join_guard_raised_total " << join_guard_raised << '\n';
    header(o, "tether_relay_codes_created_total", "counter", "Session codes handed out, by length.");
    o << "tether_relay_codes_created_total{length=\"short\"} " << codes_created[0] << '\n'
      << "tether_relay_codes_created_total{length=\"long\"} " << codes_created[1] << '\n';
    o << s.durations.render("tether_relay_session_duration_seconds",
                            "Time from the client's join to the end, of sessions that ended.");
    return o.str();
}

}  // namespace relay
