// Pure pieces of the file-transfer integration: what a drop onto the desk
// window carries -> local paths; the status-file lines of a transfer list;
// the rate-limited file channel keeps every byte and wakes on close().
#include <catch2/catch.hpp>

#include <thread>

#include "dropped_files.h"
#include "remote/file_service.h"
#include "remote/rate_limited_stream.h"

TEST_CASE("dropped text/uri-list and plain paths become local paths") {
    struct Row {
        std::string text;
        std::vector<std::string> want;
    };
    std::vector<Row> rows = {
        {"file:///tmp/a%20b.txt\r\nfile:///tmp/c\r\n", {"/tmp/a b.txt", "/tmp/c"}},
        {"# a comment\r\nfile://localhost/x/y\r\n", {"/x/y"}},
        {"file://otherhost/x\r\n", {}},                   // another machine's file
        {"http://example.com/x\r\n", {}},                 // not a file
        {"/plain/path\n/second one\n", {"/plain/path", "/second one"}},
        {"relative/path\n", {}},
        {"file:///bad%zzname", {"/bad%zzname"}},          // broken escape kept as is
        {"file:///t%C3%A9st%25", {"/t\xC3\xA9st%"}},      // UTF-8 and a literal %
        {"file:///no-newline", {"/no-newline"}},
        {"", {}},
        {std::string("file:///nul\0", 12), {"/nul"}},      // some sources add a NUL
    };
    for (const auto& r : rows) {
        INFO(r.text);
        CHECK(desk::dropped_paths(r.text) == r.want);
    }
}

TEST_CASE("transfer rows become status lines and list lines") {
    remote::TransferRow sent;
    sent.name = "a.bin";
    sent.size = 200;
    sent.bytes = 50;
    sent.state = remote::TransferState::running;
    remote::TransferRow refused = sent;
    refused.name = "b.bin";
    refused.state = remote::TransferState::failed;
    refused.text = "the other side refused the file";
    refused.ended = 1;
    auto kv = remote::transfer_status_lines({sent, refused}, "customer");
    std::map<std::string, std::string> m(kv.begin(), kv.end());
    CHECK(m["files_count"] == "2");
    CHECK(m["file.1.state"] == "running");
    CHECK(m["file.1.percent"] == "25");
    CHECK(m["file.1.direction"] == "send");
    CHECK(m["file.2.state"] == "failed");
    CHECK(m["files_message"] == "b.bin: the other side refused the file");
    CHECK(m["file.1.line"] == "to customer   a.bin   25%  sending  50 bytes of 200 bytes");
    CHECK(remote::transfer_line(sent, "customer") == "to customer   a.bin   25%  sending  50 bytes of 200 bytes");
    remote::TransferRow empty;
    empty.state = remote::TransferState::done;
    CHECK(empty.percent() == 100);  // a 0-byte file that arrived
}

TEST_CASE("transfer lines: size, speed, time left, saved to, refusals; a later success clears the red line") {
    remote::TransferRow r;
    r.name = "setup.exe";
    r.size = 27'400'000;
    r.bytes = 12'300'000;
    r.state = remote::TransferState::running;
    r.rate = 8'100'000;
    r.seconds_left = 2;
    CHECK(remote::transfer_line(r, "customer") == "to customer   setup.exe   44%  sending  12 MB of 27 MB, 8.1 MB/s, 2 s left");
    r.seconds_left = 150;
    CHECK(remote::transfer_line(r, "customer").find(", 3 min left") != std::string::npos);
    r.direction = files::Direction::receive;
    r.state = remote::TransferState::done;
    r.path = "/home/al/Downloads/Tether/setup.exe";
    CHECK(remote::transfer_line(r, "supporter") == "from supporter   setup.exe   done: saved to /home/al/Downloads/Tether/setup.exe");
    remote::TransferRow no;
    no.direction = files::Direction::receive;
    no.name = "x.bin";
    no.state = remote::TransferState::failed;
    no.refused = true;
    no.text = "not accepted: file transfer is off on this computer (F12). Press F12, then ask for the file again.";
    CHECK(remote::transfer_line(no, "supporter") == "from supporter   x.bin   " + no.text);

    const std::pair<std::uint64_t, const char*> sizes[] = {
        {0, "0 bytes"}, {1, "1 byte"}, {999, "999 bytes"}, {1000, "1.0 KB"}, {25'165'824, "25 MB"}, {1'073'741'824, "1.1 GB"}};
    for (auto& [b, text] : sizes) CHECK(remote::size_text(b) == text);

    remote::TransferRow failed = no, retried = r;  // failed first, then a success ended after it
    failed.ended = 1;
    retried.ended = 2;
    CHECK(remote::problem_text({failed}) == "x.bin: " + no.text);
    CHECK(remote::problem_text({failed, retried}).empty());
    CHECK(remote::problem_text({retried, failed}).empty());  // order of ending counts, not of rows
    CHECK(remote::can_retry(remote::TransferRow{}) == false);

    std::uint64_t last = 0;  // headless output: each ending printed once, in the order of ending
    CHECK(remote::ended_lines({retried, failed}, "supporter", last) ==
          std::vector<std::string>{remote::transfer_line(failed, "supporter"), remote::transfer_line(retried, "supporter")});
    CHECK(remote::ended_lines({retried, failed}, "supporter", last).empty());
}

TEST_CASE("the rate-limited file channel delivers every byte in order, and close() wakes a paced writer") {
    auto [a, b] = session::make_stream_pair(1 << 20);
    remote::RateLimitedStream limited(*a, 4 * 1024 * 1024);  // 4 MiB/s: 256 KiB take ~60 ms
    std::string sent(256 * 1024, '\0');
    for (std::size_t i = 0; i < sent.size(); ++i) sent[i] = static_cast<char>(i * 7 + i / 251);
    limited.write(sent.data(), sent.size());
    std::string got(sent.size(), '\0');
    REQUIRE(session::read_exact(*b, got.data(), got.size()));
    CHECK(got == sent);

    remote::RateLimitedStream slow(*a, 1);  // one byte per second: the writer waits
    std::thread closer([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        slow.close();
    });
    std::string big(64 * 1024, 'x');
    CHECK_THROWS_AS(slow.write(big.data(), big.size()), session::StreamError);
    closer.join();
}
