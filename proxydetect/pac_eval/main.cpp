// tether-pac-eval: evaluates one PAC script and exits. Spawned by
// proxydetect (src/pac_helper.cpp) with RLIMIT_CPU/RLIMIT_AS already set and
// a wall-clock watchdog in the parent; never run it by hand on a script you
// do not trust without those limits.
//
// Protocol (one JSON object per line, on stdin/stdout):
//   parent -> helper: {"script","url","host","my_addresses":[..],"now":secs|null,
//                      "heap_limit":bytes}
//   helper -> parent: {"t":"alert","msg"} | {"t":"dns","name"}
//                     | {"t":"result","value"} | {"t":"error","msg"}
//   parent -> helper, after each "dns": {"addrs":[..]}
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "pac_runtime.h"

namespace {

using nlohmann::json;

void send(const json& j) {
    std::cout << j.dump(-1, ' ', false, json::error_handler_t::replace) << '\n' << std::flush;
}

// An alert() is a debugging line in explain's trace; the parent takes protocol
// lines up to 64 KiB (pac_helper.cpp kMaxLine). 4 KiB shows any sane message.
constexpr std::size_t kMaxAlertBytes = 4096;

// `msg` cut to kMaxAlertBytes at a UTF-8 character boundary, saying so.
std::string cut_alert(const std::string& msg) {
    if (msg.size() <= kMaxAlertBytes) return msg;
    std::size_t end = kMaxAlertBytes;
    while (end > 0 && (static_cast<unsigned char>(msg[end]) & 0xC0) == 0x80) --end;
    return msg.substr(0, end) + "... (cut: " + std::to_string(msg.size()) + " bytes)";
}

// Blocks for the parent's answer; an empty list when it says nothing useful.
std::vector<std::string> ask_dns(const std::string& name) {
    send({{"t", "dns"}, {"name", name}});
    std::string line;
    if (!std::getline(std::cin, line)) return {};
    try {
        return json::parse(line).at("addrs").get<std::vector<std::string>>();
    } catch (const json::exception&) {
        return {};
    }
}

int usage() {
    std::fprintf(stderr,
                 "tether-pac-eval: PAC sandbox helper of tether-proxydetect.\n"
                 "Reads one JSON request on stdin, writes JSON lines on stdout.\n"
                 "It is started by proxydetect with resource limits; see docs/PROXYDETECT.md.\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc > 1) return usage();
    std::string line;
    if (!std::getline(std::cin, line)) return usage();
    json req;
    try {
        req = json::parse(line);
    } catch (const json::exception& e) {
        send({{"t", "error"}, {"msg", std::string("bad request: ") + e.what()}});
        return 2;
    }
    pac::Host host;
    host.resolve = ask_dns;
    host.alert = [](const std::string& msg) { send({{"t", "alert"}, {"msg", cut_alert(msg)}}); };
    host.my_addresses = req.value("my_addresses", std::vector<std::string>{});
    if (req.contains("now") && req["now"].is_number()) host.now_epoch = req["now"].get<int64_t>();
    auto out = pac::evaluate(req.value("script", ""), req.value("url", ""), req.value("host", ""), host,
                             req.value("heap_limit", std::size_t{64} << 20));
    if (out.ok) send({{"t", "result"}, {"value", out.value}});
    else send({{"t", "error"}, {"msg", out.value}});
    return out.ok ? 0 : 1;
}
