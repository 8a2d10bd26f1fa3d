// The words of tether-client.exe's files list (client/transfer_cells.cpp),
// row by row: sizes, progress, the speed measured over time, "Saved to".
#include <catch2/catch.hpp>

#include "transfer_cells.h"

using client::TransferCells;
using remote::TransferRow;
using remote::TransferState;
using namespace std::chrono_literals;

TEST_CASE("human_bytes: binary units, one decimal", "[cells]") {
    struct Row {
        std::uint64_t bytes;
        const char* text;
    };
    for (const Row& r : std::initializer_list<Row>{{0, "0 bytes"}, {1, "1 byte"}, {1023, "1023 bytes"},
                                                   {1024, "1.0 KiB"}, {1536, "1.5 KiB"},
                                                   {3 * 1024 * 1024 + 7, "3.0 MiB"},
                                                   {5ull * 1024 * 1024 * 1024, "5.0 GiB"}}) {
        INFO(r.bytes);
        CHECK(client::human_bytes(r.bytes) == r.text);
    }
}

TEST_CASE("cells: a received file, from offer to saved", "[cells]") {
    TransferCells cells("Z:/tmp/in");
    TransferRow r;
    r.direction = files::Direction::receive;
    r.name = "report.pdf";
    r.size = 4 * 1024 * 1024;
    r.state = TransferState::running;
    auto t0 = TransferCells::Clock::now();
    auto c = cells.cells({r}, t0);
    CHECK(c[0].direction == "from supporter");
    CHECK(c[0].size == "4.0 MiB");
    CHECK(c[0].progress == "0%");
    CHECK(c[0].speed.empty());  // nothing measured yet
    r.bytes = 2 * 1024 * 1024;
    c = cells.cells({r}, t0 + 1s);
    CHECK(c[0].progress == "50%");
    CHECK(c[0].speed == "2.0 MiB/s");
    CHECK(c[0].saved_to.empty());
    r.state = TransferState::done;
    r.bytes = r.size;
    r.text = "report.1.pdf";  // the name it was saved under
    c = cells.cells({r}, t0 + 2s);
    CHECK(c[0].progress == "done");
    CHECK(c[0].speed == "2.0 MiB/s");
    CHECK(c[0].saved_to == "Z:\\tmp\\in\\report.1.pdf");
    c = cells.cells({r}, t0 + 60s);
    CHECK(c[0].speed == "2.0 MiB/s");  // final: no longer diluted by time
}

TEST_CASE("cells: sent files, a refusal, and a file too quick to time", "[cells]") {
    TransferCells cells("C:\\Users\\a\\Downloads\\Tether\\");
    TransferRow sent, refused;
    sent.name = "a.txt";  // a sent row: the file's name, and the path it was sent from
    sent.path = "C:\\Users\\a\\Documents\\a.txt";
    sent.size = 10;
    sent.state = TransferState::done;
    refused.name = "/home/a/b.txt";
    refused.size = 2048;
    refused.state = TransferState::failed;
    refused.text = "file transfer is switched off (F12): switch it on to send files";
    auto c = cells.cells({sent, refused}, TransferCells::Clock::now());
    CHECK(c[0].name == "a.txt");
    CHECK(c[0].direction == "to supporter");
    CHECK(c[0].speed.empty());
    CHECK(c[0].saved_to == "at the supporter: a.txt");
    CHECK(c[1].name == "b.txt");
    CHECK(c[1].progress == "0%  failed: file transfer is switched off (F12): switch it on to send files");
    CHECK(c[1].saved_to.empty());
}
