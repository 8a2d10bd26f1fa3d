// Log lines as the journal and log collectors read them (docs/RELAY.md
// "Logs"), and the packaged relay.conf (packaging/debian) as the relay
// reads it.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sstream>

#include "relay/log.h"
#include "relay/options.h"

using namespace relay;

TEST_CASE("text lines: time first, or the sd-daemon priority in the journal", "[log]") {
    const LogRecord r{LogLevel::warn, "limits", "refused 10.0.0.1: per_address", "2026-12-06T04:00:00Z"};
    CHECK(format_log_line(r, LogFormat::text, false) == "2026-12-06T04:00:00Z warn limits: refused 10.0.0.1: per_address");
    CHECK(format_log_line(r, LogFormat::text, true) == "<4>warn limits: refused 10.0.0.1: per_address");
    struct Row {
        LogLevel level;
        const char* prefix;
    };
    const Row rows[] = {{LogLevel::error, "<3>error "}, {LogLevel::warn, "<4>warn "}, {LogLevel::info, "<6>info "},
                        {LogLevel::debug, "<7>debug "}};
    for (const Row& row : rows) {
        const std::string line = format_log_line({row.level, "relay", "m", "t"}, LogFormat::text, true);
        CHECK(line.rfind(row.prefix, 0) == 0);
    }
}

TEST_CASE("json lines: one object with time, level, program, message, fields", "[log]") {
    const std::string line =
        format_log_line({LogLevel::info, "session 1a2b3c4d", "client \"joined\"\n", "2026-12-06T04:00:00Z"}, LogFormat::json, true);
    CHECK(line.find('\n') == std::string::npos);  // one line, whatever the message holds
    const auto j = nlohmann::json::parse(line);
    CHECK(j["time"] == "2026-12-06T04:00:00Z");
    CHECK(j["level"] == "info");
    CHECK(j["program"] == "tether-relay");
    CHECK(j["message"] == "client \"joined\"\n");
    CHECK(j["fields"] == nlohmann::json{{"session", "1a2b3c4d"}});
    const auto other = nlohmann::json::parse(format_log_line({LogLevel::warn, "join guard", "raised", "t"}, LogFormat::json, false));
    CHECK(other["fields"] == nlohmann::json{{"component", "join guard"}});
    // Bytes that are not UTF-8 are replaced, not thrown.
    CHECK_NOTHROW(nlohmann::json::parse(format_log_line({LogLevel::info, "relay", "bad \xff byte", "t"}, LogFormat::json, false)));
}

TEST_CASE("--log-format takes text or json", "[log]") {
    CHECK(parse_log_format("text") == LogFormat::text);
    CHECK(parse_log_format("json") == LogFormat::json);
    CHECK_THROWS_AS(parse_log_format("xml"), std::invalid_argument);
}

TEST_CASE("the packaged relay.conf loads: paths of the package, text logs", "[log]") {
    const std::string conf = std::string(TETHER_SOURCE_DIR) + "/packaging/debian/relay.conf";
    const char* args[] = {"tether-relay", "--config", conf.c_str()};
    std::ostringstream out;
    auto c = parse_options(3, args, out);
    REQUIRE(c);
    CHECK(c->cert_file == "/etc/tether/tls/fullchain.pem");
    CHECK(c->key_file == "/etc/tether/tls/privkey.pem");
    CHECK(c->downloads_dir == "/var/lib/tether/downloads");
    CHECK(c->log_format == LogFormat::text);
    CHECK(c->drain_time == std::chrono::seconds(60));
    CHECK(c->listen_port == 8443);
}
