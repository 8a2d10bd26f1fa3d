// Consent (F12 on the client): without it offers are refused with a clear
// message; switching it off mid-transfer stops both directions and keeps the
// partial file, which a later offer resumes (docs/FILES.md, "Consent").
#include <catch2/catch.hpp>

#include "files/sha256.h"
#include "harness.h"

namespace {

struct Fixture : SrcDown {
    std::atomic<bool> f12{false};  // the client's switch, read by its consent predicate
    files::Options client_options() {
        files::Options o = options_for(down);
        o.consent = [this] { return f12.load(); };
        return o;
    }
};

std::vector<std::string> partials(const fs::path& dir) {
    std::vector<std::string> out;
    for (auto& name : list_tree(dir))
        if (name.rfind(".tether-partial-", 0) == 0) out.push_back(name);
    return out;
}

}  // namespace

TEST_CASE("consent off: the desk's offer is refused with a message naming F12, nothing written") {
    Fixture fx;
    write_prng_file(fx.src / "tool.exe", 10000, 31);
    auto streams = session::make_stream_pair();
    bool asked = false;
    files::Options co = fx.client_options();
    co.on_offer = [&](const files::OfferInfo&) { asked = true; return files::Decision::accept; };
    Side desk(*streams.first, options_for(fx.src)), client(*streams.second, co);
    desk.endpoint().send_file((fx.src / "tool.exe").u8string());
    auto out = desk.wait_outcomes(1).at(0);
    CHECK_FALSE(out.ok);
    CHECK(out.text == "the other side refused the file: file transfer is switched off on the customer's side "
                      "(F12): ask them to switch it on");
    CHECK_FALSE(asked);  // the user is not even asked
    CHECK(list_tree(fx.down).empty());
}

TEST_CASE("consent off: the client cannot send either") {
    Fixture fx;
    write_prng_file(fx.src / "log.txt", 100, 32);
    auto streams = session::make_stream_pair();
    Side client(*streams.first, fx.client_options()), desk(*streams.second, options_for(fx.down));
    CHECK_THROWS_WITH(client.endpoint().send_file((fx.src / "log.txt").u8string()),
                      Catch::Contains("switched off (F12)"));
}

TEST_CASE("switching consent off mid-transfer stops both directions; partials kept and resumable") {
    Fixture fx;
    fx.f12 = true;
    fs::path client_src = fx.root.path / "client-src", desk_down = fx.root.path / "desk-down";
    fs::create_directories(client_src);
    fs::create_directories(desk_down);
    write_prng_file(fx.src / "to-client.bin", 64 << 20, 33);
    write_prng_file(client_src / "to-desk.bin", 64 << 20, 34);

    auto streams = session::make_stream_pair();
    files::FileEndpoint* client_ep = nullptr;
    std::atomic<bool> pressed{false};
    files::Options co = fx.client_options();
    co.on_progress = [&](files::TransferId, files::Direction d, std::uint64_t b, std::uint64_t total) {
        if (d == files::Direction::receive && b >= total / 4 && !pressed.exchange(true)) {
            fx.f12 = false;                    // the customer presses F12 ...
            client_ep->consent_changed(false);  // ... and the client tells the library
        }
    };
    // The desk holds the client's upload at a quarter, so that both directions
    // are surely in progress when F12 goes off.
    files::FileEndpoint* desk_ep = nullptr;
    files::Options dopt = options_for(desk_down);
    dopt.on_progress = [&](files::TransferId id, files::Direction d, std::uint64_t b, std::uint64_t total) {
        if (d == files::Direction::receive && b >= total / 4) desk_ep->pause(id);
    };
    Side desk(*streams.first, dopt), client(*streams.second, co);
    desk_ep = &desk.endpoint();
    client_ep = &client.endpoint();
    client.endpoint().send_file((client_src / "to-desk.bin").u8string());
    desk.endpoint().send_file((fx.src / "to-client.bin").u8string());

    for (auto& o : desk.wait_outcomes(2)) {
        INFO(o.text);
        CHECK_FALSE(o.ok);
        CHECK(contains(o.text, "switched off (F12 on the customer's side)"));
        CHECK(o.resumable);
    }
    for (auto& o : client.wait_outcomes(2)) {
        CHECK_FALSE(o.ok);
        CHECK(o.resumable);
    }
    CHECK(partials(fx.down).size() == 2);  // data + metadata, kept for a resume
    CHECK(partials(desk_down).size() == 2);  // the desk keeps its partial too
    CHECK_FALSE(fs::exists(fx.down / "to-client.bin"));
    CHECK_FALSE(fs::exists(desk_down / "to-desk.bin"));

    // F12 again: the same offer resumes from the kept partial and completes.
    fx.f12 = true;
    client.endpoint().consent_changed(true);
    desk.endpoint().send_file((fx.src / "to-client.bin").u8string());
    auto done = client.wait_outcomes(3).at(2);
    CHECK(done.ok);
    CHECK(desk.endpoint().stats().data_sent < (64u << 20) + (48u << 20));  // the first quarter was not sent again
    CHECK(files::sha256_file_hex((fx.down / "to-client.bin").u8string()) ==
          files::sha256_file_hex((fx.src / "to-client.bin").u8string()));
    CHECK(partials(fx.down).empty());
}

TEST_CASE("the consent predicate alone stops a transfer at the next chunk") {
    Fixture fx;
    fx.f12 = true;
    write_prng_file(fx.src / "x.bin", 16 << 20, 35);
    auto streams = session::make_stream_pair();
    files::Options co = fx.client_options();
    co.on_progress = [&](files::TransferId, files::Direction, std::uint64_t b, std::uint64_t total) {
        if (b >= total / 4) fx.f12 = false;  // a client that forgot consent_changed()
    };
    Side desk(*streams.first, options_for(fx.src)), client(*streams.second, co);
    desk.endpoint().send_file((fx.src / "x.bin").u8string());
    auto out = desk.wait_outcomes(1).at(0);
    CHECK_FALSE(out.ok);
    CHECK(contains(out.text, "switched off"));
    CHECK(client.endpoint().stats().data_received < (16u << 20));
    CHECK_FALSE(fs::exists(fx.down / "x.bin"));
}
