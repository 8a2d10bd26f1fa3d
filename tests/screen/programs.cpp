#include "programs.h"

#include <fstream>

#include <catch2/catch.hpp>

#include "screen/png.h"

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

void Win::locate() { REQUIRE(wait_until([&] { return find_window(display, title, x, y); }, 20s)); }

void Win::click(Spot s) const {
    REQUIRE(xdotool(display, {"mousemove", std::to_string(x + s.x), std::to_string(y + s.y), "click", "1"}) == 0);
}

bool Win::click_until(Spot s, const std::function<bool()>& taken) const {
    return wait_until([&] {
        click(s);
        return wait_until(taken, 2s);
    }, 20s);
}

std::uint32_t Win::pixel(Spot s) const { return grab(display).at(x + s.x, y + s.y); }

bool Win::pixel_is(Spot s, std::uint32_t rgb) const {
    return wait_until([&] { return pixel(s) == rgb; }, 5s);
}

void Win::type(const std::string& text) const {
    REQUIRE(xdotool(display, {"type", "--delay", "30", text}) == 0);
    REQUIRE(xdotool(display, {"key", "Return"}) == 0);
}

void screenshot(const std::string& display, const std::string& name) {
    screen::write_png(artefact_dir() + "/" + name + ".png", grab(display));
}

WindowPair::WindowPair(const std::string& customer_display, const std::string& supporter_display,
                       std::chrono::milliseconds customer_delay, const std::vector<std::string>& desk_extra)
    : dir(temp_dir()), desk_status(dir + "/desk.status"), client_status(dir + "/client.status"),
      dw{supporter_display, "Tether desk"}, cw{customer_display, "Tether customer"} {
    std::string addr = "127.0.0.1:" + std::to_string(free_port());
    std::vector<std::string> d = {desk_binary(), "--start", "--direct-listen", addr, "--status-file", desk_status};
    d.insert(d.end(), desk_extra.begin(), desk_extra.end());
    desk = std::make_unique<Process>(d, std::vector<std::string>{"DISPLAY=" + supporter_display});
    dw.locate();
    REQUIRE(wait_until([&] { return desk_kv()["code"].size() == 6; }, 20s));
    std::this_thread::sleep_for(customer_delay);  // the customer arriving late
    client = std::make_unique<Process>(
        std::vector<std::string>{client_binary(), "--direct-connect", addr, "--status-file", client_status, "--name",
                                 "Alice"},
        std::vector<std::string>{"DISPLAY=" + customer_display});
    cw.locate();
    cw.click(kClientCode);
    REQUIRE(xdotool(customer_display, {"type", "--delay", "20", desk_kv()["code"]}) == 0);
    REQUIRE(xdotool(customer_display, {"key", "Return"}) == 0);
    REQUIRE(wait_status(desk_status, "status", "Connected to Alice", 30s));
    REQUIRE(wait_status(client_status, "status", "Connected to Supporter"));
    REQUIRE(wait_until([&] { return std::stoi("0" + desk_kv()["frames"]) >= 1; }, 20s));
}

void WindowPair::grant_control() {
    REQUIRE(xdotool(cw.display, {"key", "F11"}) == 0);
    REQUIRE(wait_status(desk_status, "control", "on"));
    REQUIRE(wait_status(client_status, "control", "on"));
}

}  // namespace screentest
