// The one reader of tether.conf and relay.conf (see settings/settings_file.h).
#include "settings/settings_file.h"
#include "settings/tether_conf.h"

#include <algorithm>
#include <cstdlib>
#include <cctype>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

namespace settings {
namespace po = boost::program_options;
namespace {

[[noreturn]] void fail(const std::string& path, int line, const std::string& what) {
    throw std::runtime_error(path + ":" + std::to_string(line) + ": " + what);
}

// "proxy_user" for the message: the spelling of conf/tether.conf.
std::string file_spelling(const std::string& key) { return file_key(key); }

std::string valid_keys(const po::options_description& d) {
    std::string out;
    for (const auto& o : d.options()) {
        const std::string& n = o->long_name();
        if (is_command_option(n) || n.empty()) continue;
        out += (out.empty() ? "" : ", ") + file_spelling(n);
    }
    return out;
}

}  // namespace

bool is_command_option(const std::string& n) {
    return n == "help" || n == "version" || n == "config" || n == "check-config";
}

std::vector<std::string> store_config_files(const std::string& name, const po::options_description& d,
                                            po::variables_map& vm) {
    const bool shared = name == "tether.conf";
    if (vm.count("config")) {
        store_settings_file(vm["config"].as<std::string>(), d, vm, shared);
        return {vm["config"].as<std::string>()};
    }
    auto files = default_settings_files(name);
    // The first value stored wins: the user's file goes first.
    for (auto it = files.rbegin(); it != files.rend(); ++it) store_settings_file(*it, d, vm, shared);
    return files;
}

namespace {

// Every option of a tether.conf reader must be in the shared list, or
// another program would reject it in the file they share.
void check_in_shared_list(const po::options_description& d) {
    for (const auto& o : d.options()) {
        const std::string& n = o->long_name();
        if (!n.empty() && !is_command_option(n) && !find_tether_conf_key(n))
            throw std::logic_error("option --" + n + " is missing from settings/tether_conf.h (tether_conf_keys)");
    }
}

}  // namespace

void store_settings_file(const std::string& path, const po::options_description& d, po::variables_map& vm,
                         bool shared) {
    if (shared) check_in_shared_list(d);
    for (const SettingLine& s : read_settings_file(path)) {
        bool known = !is_command_option(s.key) && d.find_nothrow(s.key, false) != nullptr;
        if (!known && shared && find_tether_conf_key(s.key)) continue;  // another program's key
        if (!known)
            fail(path, s.line, shared ? unknown_tether_conf_key(s.written)
                                      : "unknown key '" + s.written + "' (valid keys: " + valid_keys(d) + ")");
        po::parsed_options one(&d);
        one.options.emplace_back(s.key, std::vector<std::string>{s.value});
        one.options.back().original_tokens = {s.key, s.value};
        try {
            po::store(one, vm);
        } catch (const BadValue& e) {
            fail(path, s.line, file_spelling(s.key) + ": '" + e.value() + "' is not valid: " + e.why());
        } catch (const po::error& e) {
            fail(path, s.line, file_spelling(s.key) + ": '" + s.value + "' is not a valid value (" + e.what() + ")");
        }
    }
}

BadValue::BadValue(const std::string& value, const std::string& why)
    : po::error_with_option_name("%canonical_option%: '%value%' is not valid: " + why), value_(value), why_(why) {
    set_substitute("value", value);
}

void store_environment(const po::parsed_options& parsed, po::variables_map& vm, const std::string& prefix) {
    try {
        po::store(parsed, vm);
    } catch (const po::error_with_option_name& e) {
        std::string var = prefix;
        for (char c : e.get_option_name()) {
            if (c == '-' && var.size() == prefix.size()) continue;  // "--name" as Boost may spell it
            var += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
        auto bad = dynamic_cast<const BadValue*>(&e);
        throw std::runtime_error(var + ": " + (bad ? "'" + bad->value() + "' is not valid: " + bad->why() : e.what()));
    }
}

}  // namespace settings
