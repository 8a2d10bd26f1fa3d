#include "remote/control_protocol.h"

#include <nlohmann/json.hpp>

namespace remote {

using nlohmann::json;

Message Message::hello(std::string role, std::string name) {
    Message m;
    m.type = MessageType::hello;
    m.role = std::move(role);
    m.name = std::move(name);
    return m;
}

Message Message::consent_state(ConsentState s) {
    Message m;
    m.type = MessageType::consent;
    m.consent = s;
    return m;
}

Message Message::ping(std::int64_t t) {
    Message m;
    m.type = MessageType::ping;
    m.stamp_ms = t;
    return m;
}

Message Message::pong(std::int64_t t) {
    Message m = ping(t);
    m.type = MessageType::pong;
    return m;
}

Message Message::bye(std::string reason) {
    Message m;
    m.type = MessageType::bye;
    m.reason = std::move(reason);
    return m;
}

Message Message::control_request() {
    Message m;
    m.type = MessageType::control_request;
    return m;
}

Message Message::control_answer(std::string answer) {
    Message m;
    m.type = MessageType::control_answer;
    m.answer = std::move(answer);
    return m;
}

std::string encode(const Message& m) {
    json j;
    switch (m.type) {
    case MessageType::hello:
        j = {{"type", "hello"}, {"version", m.version}, {"role", m.role}, {"name", m.name}};
        break;
    case MessageType::consent:
        j = {{"type", "consent"}, {"control", m.consent.control}, {"files", m.consent.files}};
        break;
    case MessageType::ping: j = {{"type", "ping"}, {"t", m.stamp_ms}}; break;
    case MessageType::pong: j = {{"type", "pong"}, {"t", m.stamp_ms}}; break;
    case MessageType::bye: j = {{"type", "bye"}, {"reason", m.reason}}; break;
    case MessageType::control_request: j = {{"type", "control_request"}}; break;
    case MessageType::control_answer: j = {{"type", "control_answer"}, {"answer", m.answer}}; break;
    case MessageType::unknown: j = {{"type", "unknown"}}; break;
    }
    return j.dump();
}

namespace {

MessageType type_of(const std::string& t) {
    if (t == "hello") return MessageType::hello;
    if (t == "consent") return MessageType::consent;
    if (t == "ping") return MessageType::ping;
    if (t == "pong") return MessageType::pong;
    if (t == "bye") return MessageType::bye;
    if (t == "control_request") return MessageType::control_request;
    if (t == "control_answer") return MessageType::control_answer;
    return MessageType::unknown;
}

// Throws json::exception when a field is missing or of the wrong type.
Message fields(const json& j, MessageType t) {
    Message m;
    m.type = t;
    switch (t) {
    case MessageType::hello:
        m.version = j.at("version").get<int>();
        m.role = j.at("role").get<std::string>();
        m.name = j.value("name", std::string());
        break;
    case MessageType::consent:
        m.consent.control = j.at("control").get<bool>();
        m.consent.files = j.at("files").get<bool>();
        break;
    case MessageType::ping:
    case MessageType::pong: m.stamp_ms = j.at("t").get<std::int64_t>(); break;
    case MessageType::bye: m.reason = j.value("reason", std::string()); break;
    case MessageType::control_request: break;
    case MessageType::control_answer: m.answer = j.at("answer").get<std::string>(); break;
    case MessageType::unknown: break;
    }
    return m;
}

}  // namespace

std::optional<Message> decode(const std::string& line) {
    try {
        json j = json::parse(line);
        if (!j.is_object() || !j.contains("type") || !j["type"].is_string()) return std::nullopt;
        Message m = fields(j, type_of(j["type"].get<std::string>()));
        if (m.type == MessageType::unknown) m.line = line;
        return m;
    } catch (const json::exception&) {
        return std::nullopt;
    }
}

}  // namespace remote
