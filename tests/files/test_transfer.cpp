// Basic behaviour over an in-memory stream pair: a file arrives identical,
// names never overwrite, the receiver decides, cancel and pause work.
#include <catch2/catch.hpp>

#include <fstream>

#include "files/sha256.h"
#include "harness.h"

using files::Decision;
using files::Direction;

namespace {

using Fixture = SrcDown;

}  // namespace

TEST_CASE("a file arrives identical under its own name, and progress reaches the total on both sides") {
    Fixture fx;
    write_prng_file(fx.src / "report.bin", 1000000, 1);  // not a multiple of the chunk size
    auto streams = session::make_stream_pair();
    std::atomic<std::uint64_t> send_progress{0}, recv_progress{0};
    files::Options so = options_for(fx.root.path / "unused");
    so.on_progress = [&](files::TransferId, Direction, std::uint64_t b, std::uint64_t) { send_progress = b; };
    files::Options ro = options_for(fx.down);
    ro.on_progress = [&](files::TransferId, Direction, std::uint64_t b, std::uint64_t) { recv_progress = b; };
    Side sender(*streams.first, so), receiver(*streams.second, ro);

    files::TransferId id = sender.endpoint().send_file((fx.src / "report.bin").u8string());
    auto out = sender.wait_outcomes(1).at(0);
    auto in = receiver.wait_outcomes(1).at(0);
    CHECK(out.ok);
    CHECK(out.id == id);
    CHECK(out.text == "report.bin");
    CHECK(in.ok);
    CHECK(in.direction == Direction::receive);
    CHECK(in.id == (id | files::kIncoming));
    CHECK(files::sha256_file_hex((fx.down / "report.bin").u8string()) ==
          files::sha256_file_hex((fx.src / "report.bin").u8string()));
    CHECK(send_progress == 1000000);
    CHECK(recv_progress == 1000000);
    CHECK(list_tree(fx.down) == std::vector<std::string>{"report.bin"});  // no temporary left
}

TEST_CASE("a name that exists is never overwritten: the new file gets a (n) suffix") {
    Fixture fx;
    write_prng_file(fx.src / "a.txt", 5000, 2);
    { std::ofstream(fx.down / "a.txt") << "precious"; }
    auto streams = session::make_stream_pair();
    Side sender(*streams.first, options_for(fx.src)), receiver(*streams.second, options_for(fx.down));
    sender.endpoint().send_file((fx.src / "a.txt").u8string());
    CHECK(receiver.wait_outcomes(1).at(0).text == "a (1).txt");
    sender.endpoint().send_file((fx.src / "a.txt").u8string());
    CHECK(receiver.wait_outcomes(2).at(1).text == "a (2).txt");
    std::ifstream kept(fx.down / "a.txt");
    std::string content;
    kept >> content;
    CHECK(content == "precious");
}

TEST_CASE("the same file offered twice at once: the second offer is declined as busy") {
    Fixture fx;
    write_prng_file(fx.src / "x.bin", 3 << 20, 3);
    auto streams = session::make_stream_pair();
    files::Options ro = options_for(fx.down);
    ro.on_offer = [](const files::OfferInfo&) { return Decision::defer; };  // keep the first one open
    Side sender(*streams.first, options_for(fx.src)), receiver(*streams.second, ro);
    sender.endpoint().send_file((fx.src / "x.bin").u8string());
    auto second = sender.endpoint().send_file((fx.src / "x.bin").u8string());
    auto out = sender.wait_outcomes(1).at(0);
    CHECK(out.id == second);
    CHECK_FALSE(out.ok);
    CHECK(contains(out.text, "already receiving"));
}

TEST_CASE("the receiver declines, or defers and accepts later") {
    Fixture fx;
    write_prng_file(fx.src / "f.bin", 100000, 4);
    auto streams = session::make_stream_pair();
    std::atomic<files::TransferId> deferred{0};
    files::Options ro = options_for(fx.down);
    ro.on_offer = [&](const files::OfferInfo& o) {
        CHECK(o.size == 100000);
        if (o.offered_name == "no.bin") return Decision::decline;
        deferred = o.id;
        return Decision::defer;
    };
    Side sender(*streams.first, options_for(fx.src)), receiver(*streams.second, ro);
    sender.endpoint().send_file((fx.src / "f.bin").u8string(), "no.bin");
    auto declined = sender.wait_outcomes(1).at(0);
    CHECK_FALSE(declined.ok);
    CHECK(declined.text == "the other side refused the file: the receiver declined the file");
    CHECK_FALSE(receiver.wait_outcomes(1).at(0).ok);

    sender.endpoint().send_file((fx.src / "f.bin").u8string(), "yes.bin");
    auto offered = [&] { return deferred.load() != 0; };
    while (!offered()) std::this_thread::yield();  // on_offer runs on the receiver's reader
    receiver.endpoint().accept(deferred);
    CHECK(sender.wait_outcomes(2).at(1).ok);
    CHECK(fs::file_size(fx.down / "yes.bin") == 100000);
}

TEST_CASE("cancel by the receiver mid-transfer: both sides told, the partial file deleted") {
    Fixture fx;
    write_prng_file(fx.src / "big.bin", 32 << 20, 5);
    auto streams = session::make_stream_pair();
    files::FileEndpoint* recv_ep = nullptr;
    files::Options ro = options_for(fx.down);
    ro.on_progress = [&](files::TransferId id, Direction, std::uint64_t b, std::uint64_t total) {
        if (b >= total / 4 && b < total) recv_ep->cancel(id);  // callbacks may call back in
    };
    Side sender(*streams.first, options_for(fx.src)), receiver(*streams.second, ro);
    recv_ep = &receiver.endpoint();
    sender.endpoint().send_file((fx.src / "big.bin").u8string());
    auto out = sender.wait_outcomes(1).at(0);
    auto in = receiver.wait_outcomes(1).at(0);
    CHECK_FALSE(out.ok);
    CHECK(contains(out.text, "the receiver cancelled"));
    CHECK_FALSE(out.resumable);
    CHECK_FALSE(in.ok);
    CHECK(list_tree(fx.down).empty());
}

TEST_CASE("a transfer started paused sends nothing while another one completes, then resumes") {
    Fixture fx;
    write_prng_file(fx.src / "held.bin", 4 << 20, 6);
    write_prng_file(fx.src / "quick.bin", 1 << 20, 7);
    auto streams = session::make_stream_pair();
    Side sender(*streams.first, options_for(fx.src)), receiver(*streams.second, options_for(fx.down));
    auto held = sender.endpoint().send_file((fx.src / "held.bin").u8string(), "", true);
    sender.endpoint().send_file((fx.src / "quick.bin").u8string());
    auto first = sender.wait_outcomes(1).at(0);
    CHECK(first.text == "quick.bin");
    CHECK(sender.endpoint().stats().data_sent == (1u << 20));  // nothing of held.bin
    sender.endpoint().resume(held);
    auto second = sender.wait_outcomes(2).at(1);
    CHECK(second.ok);
    CHECK(second.text == "held.bin");
    CHECK(files::sha256_file_hex((fx.down / "held.bin").u8string()) ==
          files::sha256_file_hex((fx.src / "held.bin").u8string()));
}

TEST_CASE("the receiver can pause the sender") {
    Fixture fx;
    write_prng_file(fx.src / "held.bin", 4 << 20, 8);
    write_prng_file(fx.src / "quick.bin", 1 << 20, 9);
    auto streams = session::make_stream_pair();
    files::FileEndpoint* recv_ep = nullptr;
    files::Options ro = options_for(fx.down);
    ro.on_offer = [&](const files::OfferInfo& o) {
        if (o.offered_name == "held.bin") recv_ep->pause(o.id);  // PAUSE goes out before ACCEPT
        return Decision::accept;
    };
    Side sender(*streams.first, options_for(fx.src)), receiver(*streams.second, ro);
    recv_ep = &receiver.endpoint();
    auto held = sender.endpoint().send_file((fx.src / "held.bin").u8string());
    sender.endpoint().send_file((fx.src / "quick.bin").u8string());
    CHECK(receiver.wait_outcomes(1).at(0).text == "quick.bin");
    CHECK(receiver.endpoint().stats().data_received == (1u << 20));
    receiver.endpoint().resume(held | files::kIncoming);
    CHECK(receiver.wait_outcomes(2).at(1).text == "held.bin");
}

TEST_CASE("an empty file arrives, and send_file after the channel ended is refused") {
    Fixture fx;
    { std::ofstream(fx.src / "empty.txt"); }
    auto streams = session::make_stream_pair();
    Side sender(*streams.first, options_for(fx.src)), receiver(*streams.second, options_for(fx.down));
    sender.endpoint().send_file((fx.src / "empty.txt").u8string());
    CHECK(sender.wait_outcomes(1).at(0).text == "empty.txt");
    CHECK(fs::file_size(fx.down / "empty.txt") == 0);
    sender.endpoint().close();
    CHECK(sender.wait_run().empty());
    CHECK_THROWS_WITH(sender.endpoint().send_file((fx.src / "empty.txt").u8string()), Catch::Contains("closed"));
}

TEST_CASE("send_file refuses what it cannot read") {
    Fixture fx;
    auto streams = session::make_stream_pair();
    Side sender(*streams.first, options_for(fx.src)), receiver(*streams.second, options_for(fx.down));
    CHECK_THROWS_WITH(sender.endpoint().send_file((fx.src / "missing").u8string()), Catch::Contains("cannot open"));
    CHECK_THROWS_WITH(sender.endpoint().send_file(fx.src.u8string()), Catch::Contains("not a regular file"));
}
