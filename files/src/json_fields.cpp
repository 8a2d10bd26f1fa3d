#include "impl.h"

namespace files {

using proto::ProtocolError;

json parse_control(const proto::Message& m) {
    json j = json::parse(m.payload, m.payload + m.size, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        throw ProtocolError("control message type " + std::to_string(static_cast<int>(m.type)) + " is not a JSON object");
    return j;
}

std::uint64_t get_u64(const json& j, const char* field) {
    auto it = j.find(field);
    if (it == j.end() || !it->is_number_unsigned())
        throw ProtocolError(std::string("field \"") + field + "\" is missing or not an unsigned integer");
    return it->get<std::uint64_t>();
}

std::uint32_t get_id(const json& j) {
    std::uint64_t id = get_u64(j, "id");
    if (id == 0 || id > 0xffffffffu) throw ProtocolError("transfer id " + std::to_string(id) + " is out of range");
    return static_cast<std::uint32_t>(id);
}

std::string get_str(const json& j, const char* field) {
    auto it = j.find(field);
    if (it == j.end() || !it->is_string())
        throw ProtocolError(std::string("field \"") + field + "\" is missing or not a string");
    return it->get<std::string>();
}

bool get_bool(const json& j, const char* field) {
    auto it = j.find(field);
    if (it == j.end() || !it->is_boolean())
        throw ProtocolError(std::string("field \"") + field + "\" is missing or not a boolean");
    return it->get<bool>();
}

}  // namespace files
