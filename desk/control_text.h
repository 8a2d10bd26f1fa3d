// Who has control of the customer's computer, in the supporter's words
// (issue 16): the desk never shows the customer's hotkeys as if the
// supporter could press them.
#pragma once

#include <string>

#include "desk_app.h"

namespace desk {

// "You control Alice's computer" / "Alice has control (view only)";
// "Remote control: off" before a customer is connected.
std::string control_text(const View& v);
// "File transfer: on" / "File transfer: off": the customer's switch, without
// the hotkey the supporter cannot press.
std::string files_text(const View& v);

}  // namespace desk
