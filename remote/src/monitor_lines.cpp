#include "remote/monitor_lines.h"

#include <nlohmann/json.hpp>

#include "remote/control_channel.h"

namespace remote {

using nlohmann::json;

std::string encode_monitors(const MonitorList& m) {
    json list = json::array();
    for (const auto& i : m.list)
        list.push_back({{"name", i.name}, {"x", i.x}, {"y", i.y}, {"w", i.w}, {"h", i.h}, {"primary", i.primary}});
    return json{{"type", "monitors"}, {"list", list}, {"shown", m.shown}}.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string encode_monitor_select(int index) { return json{{"type", "monitor_select"}, {"index", index}}.dump(); }

std::optional<MonitorList> decode_monitors(const Message& m) {
    if (m.type != MessageType::unknown || m.kind != "monitors") return std::nullopt;
    try {
        json j = json::parse(m.line);
        MonitorList out;
        out.shown = j.at("shown").get<int>();
        for (const auto& i : j.at("list"))
            out.list.push_back(MonitorInfo{i.at("name").get<std::string>(), i.at("x").get<int>(), i.at("y").get<int>(),
                                           i.at("w").get<int>(), i.at("h").get<int>(), i.value("primary", false)});
        return out;
    } catch (const json::exception&) {
        throw ProtocolError("malformed monitors line");
    }
}

std::optional<int> decode_monitor_select(const Message& m) {
    if (m.type != MessageType::unknown || m.kind != "monitor_select") return std::nullopt;
    try {
        return json::parse(m.line).at("index").get<int>();
    } catch (const json::exception&) {
        throw ProtocolError("malformed monitor_select line");
    }
}

}  // namespace remote
