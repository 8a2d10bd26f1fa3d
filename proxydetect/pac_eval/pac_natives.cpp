#include "pac_natives.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <sstream>

namespace pac {

namespace {

struct Parsed {
    int family = 0;
    std::array<unsigned char, 16> bytes{};
};

std::optional<Parsed> parse(const std::string& text) {
    Parsed p;
    if (inet_pton(AF_INET, text.c_str(), p.bytes.data()) == 1) p.family = 4;
    else if (inet_pton(AF_INET6, text.c_str(), p.bytes.data()) == 1) p.family = 6;
    else return std::nullopt;
    return p;
}

std::string trim(const std::string& s) {
    auto b = s.find_first_not_of(" \t");
    if (b == std::string::npos) return "";
    return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

}  // namespace

int ip_family(const std::string& text) {
    auto p = parse(text);
    return p ? p->family : 0;
}

bool ip_in_prefix(const std::string& ip, const std::string& prefix) {
    auto slash = prefix.find('/');
    if (slash == std::string::npos) return false;
    auto a = parse(trim(ip));
    auto net = parse(trim(prefix.substr(0, slash)));
    if (!a || !net || a->family != net->family) return false;
    std::string len_text = prefix.substr(slash + 1);
    if (len_text.empty() || len_text.size() > 3 ||
        !std::all_of(len_text.begin(), len_text.end(), ::isdigit))
        return false;
    int len = std::stoi(len_text), max = a->family == 4 ? 32 : 128;
    if (len > max) return false;
    int full = len / 8, rest = len % 8;
    if (std::memcmp(a->bytes.data(), net->bytes.data(), full) != 0) return false;
    if (rest == 0) return true;
    unsigned char mask = static_cast<unsigned char>(0xff << (8 - rest));
    return (a->bytes[full] & mask) == (net->bytes[full] & mask);
}

std::optional<std::string> sort_ip_list(const std::string& list) {
    std::vector<std::pair<Parsed, std::string>> items;
    std::stringstream ss(list);
    std::string item;
    while (std::getline(ss, item, ';')) {
        item = trim(item);
        auto p = parse(item);
        if (!p) return std::nullopt;
        items.emplace_back(*p, item);
    }
    if (items.empty()) return std::nullopt;
    std::stable_sort(items.begin(), items.end(), [](const auto& x, const auto& y) {
        if (x.first.family != y.first.family) return x.first.family == 6;  // IPv6 first
        return std::memcmp(x.first.bytes.data(), y.first.bytes.data(), 16) < 0;
    });
    std::vector<std::string> out;
    for (auto& [_, text] : items) out.push_back(text);
    return join(out, ";");
}

std::string join(const std::vector<std::string>& items, const std::string& sep) {
    std::string out;
    for (const auto& s : items) out += (out.empty() ? "" : sep) + s;
    return out;
}

}  // namespace pac
