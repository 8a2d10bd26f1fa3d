// Hostile offered names: the table is the specification (docs/FILES.md,
// "Names"). End to end, nothing may appear outside the download folder.
#include <catch2/catch.hpp>

#include <fstream>
#include <optional>

#include "files/names.h"
#include "harness.h"
#include "plant_link.h"

namespace {

struct Row {
    std::string offered;
    std::string expected;  // "" = refused
    // What arrives end to end when it differs: the offer is JSON, so the
    // sender's invalid UTF-8 travels as U+FFFD (docs/FILES.md, "Names").
    std::optional<std::string> over_the_wire = std::nullopt;
};

std::string rep(const std::string& s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
}

const std::vector<Row>& table() {
    static const std::vector<Row> rows = {
        {"report.pdf", "report.pdf"},
        {"Résumé 日本.txt", "Résumé 日本.txt"},
        {"../../etc/passwd", "_.._etc_passwd"},
        {"/etc/shadow", "_etc_shadow"},
        {"a/b", "a_b"},
        {"a\\b", "a_b"},
        {"C:\\Windows\\system.ini", "C__Windows_system.ini"},
        {"a:b*c?<d>|\"e\".txt", "a_b_c__d___e_.txt"},
        {"CON", "_CON"},
        {"nul.txt", "_nul.txt"},
        {"com1", "_com1"},
        {"LPT9.tar.gz", "_LPT9.tar.gz"},
        {"con .txt", "_con .txt"},
        {"COM0", "COM0"},
        {"CONSOLE.txt", "CONSOLE.txt"},
        {"evil\nname.txt", "evil_name.txt"},
        {"cr\r\nlf", "cr__lf"},
        {std::string("nul\0byte", 8), "nul_byte"},
        {"tab\there\x7f", "tab_here_"},
        {"\xff\xfe.txt", "__.txt", "\uFFFD\uFFFD.txt"},
        {"\xe6\x97", "__", "\uFFFD"},  // truncated UTF-8 sequence
        {".", ""},
        {"..", ""},
        {"", ""},
        {"...", ""},
        {"   ", ""},
        {"report. . ", "report"},
        {"name.", "name"},
        {"trailing space ", "trailing space"},
        {".bashrc", "bashrc"},
        {".tether-partial-0123", "tether-partial-0123"},
        {rep("a", 300), rep("a", 240)},
        {rep("a", 300) + ".txt", rep("a", 236) + ".txt"},
        {"a" + rep("日", 100), "a" + rep("日", 79)},  // never cut inside a character
        // Windows devices: also the superscript digits, and checked after
        // shortening (which here leaves "CON.txt" behind).
        {"COM\u00b9.txt", "_COM\u00b9.txt"},
        {"lpt\u00b3", "_lpt\u00b3"},
        {"COM\u00b4", "COM\u00b4"},
        {"CON" + rep(" ", 300) + "x.txt", "_CON.txt"},
    };
    return rows;
}

}  // namespace

TEST_CASE("sanitise_name: the table of hostile names") {
    for (const Row& row : table()) {
        INFO("offered: \"" << row.offered << "\"");
        files::SanitisedName s = files::sanitise_name(row.offered);
        CHECK(s.ok == !row.expected.empty());
        CHECK(s.name == row.expected);
        CHECK(s.name.size() <= 255);
        if (!s.ok) CHECK_FALSE(s.reason.empty());
    }
}

TEST_CASE("with_collision_suffix keeps the extension") {
    CHECK(files::with_collision_suffix("a.txt", 1) == "a (1).txt");
    CHECK(files::with_collision_suffix("archive.tar.gz", 2) == "archive.tar (2).gz");
    CHECK(files::with_collision_suffix("README", 3) == "README (3)");
    CHECK(files::with_collision_suffix(std::string(240, 'x'), 9999).size() <= 255);
}

TEST_CASE("hostile names end to end: results as documented, nothing outside the download folder") {
    TempDir root;
    fs::path src = root.path / "src", down = root.path / "down", outside = root.path / "outside";
    for (auto& d : {src, down, outside}) fs::create_directories(d);
    write_prng_file(src / "payload", 4096, 41);
    { std::ofstream(outside / "target") << "untouched"; }
    const bool planted = plant_link(outside / "target", down / "planted");  // a trap inside the folder
    if (!planted) WARN("this platform cannot make symbolic links (wine): the planted-link row is not run");

    auto streams = session::make_stream_pair();
    Side sender(*streams.first, options_for(src)), receiver(*streams.second, options_for(down));
    auto rows = table();
    if (planted) rows.push_back({"planted", "planted (1)"});  // the symlink counts as taken: not followed
    std::size_t n = 0;
    for (const Row& row : rows) {
        INFO("offered: \"" << row.offered << "\"");
        if (row.offered.empty()) continue;  // send_file would use the path's name; test_malformed offers "" raw
        std::string expected = row.over_the_wire.value_or(row.expected);
        auto id = sender.endpoint().send_file((src / "payload").u8string(), row.offered);
        auto out = sender.wait_outcomes(++n).back();
        CHECK(out.id == id);
        if (expected.empty()) {
            CHECK_FALSE(out.ok);
            CHECK(contains(out.text, "the other side refused the file: the offered file name"));
            continue;
        }
        CHECK(out.ok);
        CHECK(out.text == expected);
        CHECK(fs::file_size(down / fs::u8path(expected)) == 4096);
        CHECK(fs::is_regular_file(fs::symlink_status(down / fs::u8path(expected))));
        fs::remove(down / fs::u8path(expected));  // so that the next row cannot collide with it
    }
    std::ifstream target(outside / "target");
    std::string content;
    target >> content;
    CHECK(content == "untouched");
    for (auto& path : list_tree(root.path)) {
        INFO(path);
        bool inside = path == "src" || path == "down" || path == "outside" || path == "outside/target" ||
                      path.rfind("src/", 0) == 0 || path.rfind("down/", 0) == 0;
        CHECK(inside);
        CHECK(path.find("tether-partial") == std::string::npos);  // every temporary renamed or removed
    }
    CHECK(list_tree(down) == (planted ? std::vector<std::string>{"planted"} : std::vector<std::string>{}));
}
