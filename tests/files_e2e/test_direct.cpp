// File transfer in the programs over the direct test link (headless desk and
// client, the client serving its own Xvfb): both directions arrive intact;
// F12 off refuses with a clear sentence and writes nothing; F12 switched off
// mid-transfer stops it, leaving only the kept partial.
#include <catch2/catch.hpp>

#include "files_fixture.h"
#include "support/sha256.h"

using namespace filestest;
using test_support::sha256_file;
using test_support::write_random_file;

TEST_CASE("desk --send-file with F12 on: the file arrives at the customer with the same SHA-256") {
    Xvfb x;
    Scratch src, got, unused;
    std::string in = got / "customer-downloads";  // created by the client
    std::string file = src / "report.bin";
    write_random_file(file, 3 * MiB + 123, 1);
    HeadlessPair p(x.name(), {"--send-file", file, "--download-dir", unused.path()},
                   {"--allow-files", "--download-dir", in});
    REQUIRE(wait_state(p.desk_status, 1, "done"));
    CHECK(field(p.desk_status, 1, "direction") == "send");
    CHECK(field(p.desk_status, 1, "text") == "report.bin");  // the name it got at the customer
    CHECK(field(p.desk_status, 1, "percent") == "100");
    CHECK(wait_state(p.client_status, 1, "done"));
    CHECK(field(p.client_status, 1, "direction") == "receive");
    CHECK(listing(in) == std::vector<std::string>{"report.bin"});
    CHECK(sha256_file(in + "/report.bin") == sha256_file(file));
}

TEST_CASE("client --send-file with F12 on: the file arrives at the supporter with the same SHA-256") {
    Xvfb x;
    Scratch src, got, unused;
    std::string in = got.path();
    std::string a = src / "screenshot one.png", b = src / "log.txt";
    write_random_file(a, 2 * MiB + 7, 2);
    write_random_file(b, 1000, 3);
    HeadlessPair p(x.name(), {"--download-dir", in},
                   {"--allow-files", "--send-file", a, "--send-file", b, "--download-dir", unused.path()});
    REQUIRE(wait_state(p.client_status, 1, "done"));
    REQUIRE(wait_state(p.client_status, 2, "done"));
    CHECK(wait_state(p.desk_status, 2, "done"));
    CHECK(listing(in) == std::vector<std::string>{"log.txt", "screenshot one.png"});
    CHECK(sha256_file(in + "/screenshot one.png") == sha256_file(a));
    CHECK(sha256_file(in + "/log.txt") == sha256_file(b));
}

TEST_CASE("F12 off: the desk shows the customer's refusal and nothing is written on either side") {
    Xvfb x;
    Scratch src, client_dir, desk_dir;
    std::string client_in = client_dir.path(), desk_in = desk_dir.path();
    std::string file = src / "tool.bin", mine = src / "mine.bin";
    write_random_file(file, 1 * MiB, 4);
    write_random_file(mine, 1000, 5);
    HeadlessPair p(x.name(), {"--send-file", file, "--download-dir", desk_in},
                   {"--send-file", mine, "--download-dir", client_in});  // no --allow-files: F12 is off
    REQUIRE(wait_state(p.desk_status, 1, "failed"));
    std::string why = field(p.desk_status, 1, "text");
    CHECK(why.find("file transfer is switched off on the customer's side (F12)") != std::string::npos);
    CHECK(read_status(p.desk_status)["files_message"] == "tool.bin: " + why);
    CHECK(read_status(p.desk_status)["files"] == "off");
    // The customer's own offer is stopped before it leaves.
    REQUIRE(wait_named_state(p.client_status, "mine.bin", "failed"));
    int own = row_named(p.client_status, "mine.bin");
    CHECK(field(p.client_status, own, "text").find("switched off (F12)") != std::string::npos);
    // The refused offer is listed on the customer's side too, saying why (issue 16: it was silent).
    REQUIRE(wait_named_state(p.client_status, "tool.bin", "failed"));
    int refused = row_named(p.client_status, "tool.bin");
    CHECK(field(p.client_status, refused, "direction") == "receive");
    CHECK(field(p.client_status, refused, "line").find("not accepted: file transfer is off on this computer (F12)") !=
          std::string::npos);
    CHECK(read_status(p.client_status)["files_count"] == "2");
    CHECK(listing(client_in).empty());
    CHECK(listing(desk_in).empty());
}

// State after F12 off mid-transfer (docs/FILES.md "Consent"): both sides
// show the transfer failed and resumable; the customer's folder holds only
// the kept partial (".tether-partial-<key>" + ".json"), shorter than the
// file; offering the same file again after F12 on would resume it.
TEST_CASE("F12 switched off mid-transfer on the customer's display stops it: no completed file") {
    Xvfb x;
    Scratch src, got, unused;
    std::string in = got.path();
    std::string file = src / "big.bin";
    const std::uint64_t size = 48 * MiB;
    write_random_file(file, size, 6);
    // 2 MiB/s: the transfer would take 24 s, so F12 certainly lands in the middle.
    HeadlessPair p(x.name(), {"--send-file", file, "--file-rate-limit", "2048", "--download-dir", unused.path()},
                   {"--allow-files", "--download-dir", in});
    REQUIRE(wait_state(p.client_status, 1, "running"));
    REQUIRE(wait_until([&] { return std::stoi("0" + field(p.client_status, 1, "percent")) >= 2; }, 30s));
    REQUIRE(xdotool(x.name(), {"key", "F12"}) == 0);

    REQUIRE(wait_state(p.desk_status, 1, "failed"));
    CHECK(field(p.desk_status, 1, "text").find("switched off") != std::string::npos);
    CHECK(field(p.desk_status, 1, "resumable") == "yes");
    CHECK(wait_status(p.desk_status, "files", "off"));
    REQUIRE(wait_state(p.client_status, 1, "failed"));
    CHECK(read_status(p.client_status)["files"] == "off");
    CHECK(std::stoull(field(p.client_status, 1, "bytes")) < size);

    auto names = listing(in);
    CHECK(only_partials(in));
    REQUIRE(names.size() == 2);  // the partial and its .json
    long long partial = file_size(in + "/" + names[0]);
    CHECK(partial > 0);
    CHECK(partial < static_cast<long long>(size));
}
