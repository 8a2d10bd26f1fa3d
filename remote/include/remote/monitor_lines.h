// The customer's monitors on the control channel (issue 19 item 3,
// docs/PROTOCOL.md "Monitors"):
//
//   {"type":"monitors","list":[{"name":"DP-1","x":0,"y":0,"w":1920,"h":1080,"primary":true}],"shown":-1}
//                                                client -> desk: at the start and after every choice
//   {"type":"monitor_select","index":1}          desk -> client: show monitor 1 (-1: all of them)
//
// The picture's new size reaches the viewer as RFB DesktopSize on the rfb
// channel; pointer coordinates are the shown area's. Portable.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "remote/control_protocol.h"

namespace remote {

struct MonitorInfo {
    std::string name;
    int x = 0, y = 0, w = 0, h = 0;
    bool primary = false;
    bool operator==(const MonitorInfo& o) const {
        return name == o.name && x == o.x && y == o.y && w == o.w && h == o.h && primary == o.primary;
    }
};

struct MonitorList {
    std::vector<MonitorInfo> list;
    int shown = -1;  // index into list, -1: all
};

std::string encode_monitors(const MonitorList& m);
std::string encode_monitor_select(int index);
// nullopt when `m` is not that line; throws ProtocolError when it is but malformed.
std::optional<MonitorList> decode_monitors(const Message& m);
std::optional<int> decode_monitor_select(const Message& m);

}  // namespace remote
