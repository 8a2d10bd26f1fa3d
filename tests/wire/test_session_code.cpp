// Session codes: which strings every code taker accepts, and how the desk
// shows a code to be read out on the phone.
#include <catch2/catch.hpp>

#include "wire/session_code.h"

TEST_CASE("session codes: 6 to 9 decimal digits, nothing else", "[session_code]") {
    CHECK(wire::valid_session_code("123456"));
    CHECK(wire::valid_session_code("123456789"));
    CHECK_FALSE(wire::valid_session_code("12345"));
    CHECK_FALSE(wire::valid_session_code("1234567890"));
    CHECK_FALSE(wire::valid_session_code("123 456"));
    CHECK_FALSE(wire::valid_session_code("12345a"));
    CHECK_FALSE(wire::valid_session_code(""));
}

TEST_CASE("session codes: read out in groups of three", "[session_code]") {
    CHECK(wire::spoken_session_code("482913") == "482 913");
    CHECK(wire::spoken_session_code("482913075") == "482 913 075");
    CHECK(wire::spoken_session_code("4829130") == "482 913 0");
    CHECK(wire::spoken_session_code("") == "");
}

TEST_CASE("join links: tether://join/CODE gives the code, anything else nothing", "[session_code]") {
    struct Row {
        const char* link;
        const char* code;
    };
    const Row rows[] = {
        {"tether://join/123456", "123456"},
        {"tether://join/123456789", "123456789"},
        {"TETHER://JOIN/123456", "123456"},  // some launchers upper-case the scheme
        {"tether://join/123456/", "123456"},
        {"tether://join/12345", ""},
        {"tether://join/1234567890", ""},
        {"tether://join/123456?relay=https://evil", ""},
        {"tether://join/123%20456", ""},
        {"tether://join/", ""},
        {"tether://host/123456", ""},
        {"https://join/123456", ""},
        {"tether:join/123456", ""},
        {"", ""},
    };
    for (const Row& r : rows) {
        INFO(r.link);
        CHECK(wire::code_from_join_link(r.link) == r.code);
    }
}
