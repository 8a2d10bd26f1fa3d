#include "control_text.h"

namespace desk {

std::string control_text(const View& v) {
    if (v.phase != Phase::connected) return "Remote control: off";
    if (v.consent.control) return "You control " + (v.peer.empty() ? "the customer" : v.peer) + "'s computer";
    return (v.peer.empty() ? "The customer" : v.peer) + " has control (view only)";
}

std::string files_text(const View& v) { return std::string("File transfer: ") + (v.consent.files ? "on" : "off"); }

}  // namespace desk
