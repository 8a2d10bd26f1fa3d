#include "programs.h"

#include <fstream>

#include <catch2/catch.hpp>

namespace screentest {

std::map<std::string, std::string> read_status(const std::string& path) {
    std::map<std::string, std::string> kv;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        auto colon = line.find(": ");
        if (colon != std::string::npos) kv[line.substr(0, colon)] = line.substr(colon + 2);
        else if (!line.empty() && line.back() == ':') kv[line.substr(0, line.size() - 1)] = "";
    }
    return kv;
}

bool wait_status(const std::string& path, const std::string& key, const std::string& value,
                 std::chrono::milliseconds limit) {
    return wait_until([&] { return read_status(path)[key] == value; }, limit);
}

HeadlessPair::HeadlessPair(const std::string& display, const std::vector<std::string>& desk_extra,
                           const std::vector<std::string>& client_extra)
    : dir(temp_dir()), desk_status(dir + "/desk.status"), client_status(dir + "/client.status"),
      snapshot(dir + "/first.png"), port(free_port()) {
    std::string addr = "127.0.0.1:" + std::to_string(port);
    std::vector<std::string> d = {desk_binary(), "--headless", "--direct-listen", addr, "--status-file",
                                  desk_status, "--snapshot", snapshot};
    d.insert(d.end(), desk_extra.begin(), desk_extra.end());
    desk = std::make_unique<Process>(d);
    REQUIRE(wait_until([&] { return read_status(desk_status)["code"].size() == 6; }));
    std::vector<std::string> c = {client_binary(), "--headless", "--display", display, "--code",
                                  read_status(desk_status)["code"], "--direct-connect", addr,
                                  "--status-file", client_status};
    c.insert(c.end(), client_extra.begin(), client_extra.end());
    client = std::make_unique<Process>(c);
}

}  // namespace screentest
