// The key = value settings files of Tether's programs (tether.conf of
// tether-desk, tether-client and tether-tunnel; relay.conf of tether-relay),
// read one way for all of them (proxy.conf follows the same rules with its
// own parser, proxydetect/src/config.cpp, which also builds for Windows):
// - one `key = value` per line; blank lines, and lines whose first
//   non-blank character is '#', are comments;
// - a '#' inside a value is part of the value (a proxy password may
//   contain one), as in proxy.conf;
// - keys are case-insensitive and '_' equals '-': `proxy_user` in the file
//   is --proxy-user on the command line and TETHER_PROXY_USER; messages
//   spell keys with '_', as conf/*.conf do;
// - a UTF-8 byte order mark is skipped;
// - unknown keys, repeated keys, empty values and bad values are errors
//   that name FILE:LINE and, for unknown keys, the valid ones;
// - tether.conf is shared: a program ignores the keys that only another
//   program reads (settings/tether_conf.h), and rejects all others.
#pragma once

#include <boost/program_options.hpp>

#include <functional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "settings/settings_lines.h"

namespace settings {

// --config FILE when `vm` has it, else default_settings_files(name) (the
// user's beats the admin's), stored with store_settings_file; a file named
// tether.conf (or given with --config to a tether.conf reader) is read as
// shared. Returns the files read, in reading order.
std::vector<std::string> store_config_files(const std::string& name,
                                            const boost::program_options::options_description& d,
                                            boost::program_options::variables_map& vm);

// Stores the file's settings into `vm` as values of the options in `d`
// (long names; "help", "version", "config" and "check-config" are not
// settings). A value already in `vm` (command line, environment) is kept.
// With `shared` (tether.conf), keys that settings::tether_conf_keys() lists
// but `d` lacks are skipped, and an option of `d` missing from that list
// throws std::logic_error (a program out of step with the shared list).
// Throws std::runtime_error "FILE:LINE: ..." for unknown keys (listing the
// valid ones) and bad values.
void store_settings_file(const std::string& path, const boost::program_options::options_description& d,
                         boost::program_options::variables_map& vm, bool shared = false);

// A value that its type alone does not check (a choice, a range), refused
// when it is stored, so that the message names where it came from:
// "FILE:LINE: transport: 'bogus' is not valid: use auto, stream or poll"
// (store_settings_file), "--transport: 'bogus' is not valid: ..." (the
// command line), "TETHER_TRANSPORT: 'bogus' ..." (store_environment).
class BadValue : public boost::program_options::error_with_option_name {
public:
    BadValue(const std::string& value, const std::string& why);
    const std::string& value() const { return value_; }
    const std::string& why() const { return why_; }

private:
    std::string value_, why_;
};

// An option value checked by `check` when stored; `check` throws
// std::invalid_argument with what is valid ("use auto, stream or poll").
template <class T>
class CheckedValue : public boost::program_options::typed_value<T> {
public:
    CheckedValue(T* target, std::function<void(const T&)> check)
        : boost::program_options::typed_value<T>(target), check_(std::move(check)) {}
    // How a refused value is quoted (e.g. a proxy URL with its password
    // as ***): messages must not print secrets.
    CheckedValue* shown_as(std::function<std::string(const std::string&)> show) {
        show_ = std::move(show);
        return this;
    }
    void xparse(boost::any& store, const std::vector<std::string>& tokens) const override {
        const std::string token = tokens.empty() ? "" : tokens.front();
        const std::string shown = show_ ? show_(token) : token;
        // Boost reads "-5" as an unsigned number (wrapped to 2^64 - 5): refused here.
        if (std::is_unsigned_v<T> && !std::is_same_v<T, bool> && token.find('-') != std::string::npos)
            throw BadValue(shown, "use a whole number of at least 0");
        try {
            boost::program_options::typed_value<T>::xparse(store, tokens);
        } catch (const boost::program_options::validation_error&) {
            if constexpr (std::is_arithmetic_v<T> && !std::is_same_v<T, bool>)
                throw BadValue(shown, std::is_integral_v<T> ? "use a whole number" : "use a number");
            throw;
        }
        try {
            if (check_) check_(boost::any_cast<const T&>(store));
        } catch (const std::invalid_argument& e) {
            throw BadValue(shown, e.what());
        }
    }

private:
    std::function<void(const T&)> check_;
    std::function<std::string(const std::string&)> show_;
};

// po::value(target) with a check: d.add_options()("transport",
// settings::checked(&o.transport, check_transport), "...").
template <class T>
CheckedValue<T>* checked(T* target, std::function<void(const T&)> check) {
    return new CheckedValue<T>(target, std::move(check));
}
template <class T>
CheckedValue<T>* checked(std::function<void(const T&)> check) {
    return new CheckedValue<T>(nullptr, std::move(check));
}
// A number whose type is its only check ("use a whole number", and at
// least 0 for unsigned types), refused with the same wording and source
// as checked<T>(): settings::number(&o.file_rate_kib).
template <class T>
CheckedValue<T>* number(T* target) {
    static_assert(std::is_arithmetic_v<T> && !std::is_same_v<T, bool>, "settings::number is for numbers");
    return new CheckedValue<T>(target, nullptr);
}
template <class T>
CheckedValue<T>* number() {
    return number<T>(nullptr);
}

// A check for checked<T>(): the value is at least `min` ("use a number of
// at least 50 (milliseconds)"; `unit` may be empty).
template <class T>
std::function<void(const T&)> at_least(T min, const std::string& unit = "") {
    return [min, unit](const T& v) {
        if (v < min)
            throw std::invalid_argument("use a number of at least " + std::to_string(min) +
                                        (unit.empty() ? "" : " (" + unit + ")"));
    };
}

// Stores options parsed from the environment (po::parse_environment);
// a bad value is refused naming its variable, prefix + the option's name
// in upper case with '_' ("TETHER_" + "proxy-auth" = TETHER_PROXY_AUTH).
void store_environment(const boost::program_options::parsed_options& parsed,
                       boost::program_options::variables_map& vm, const std::string& prefix);

// True for the options that select what to do rather than set something
// (help, version, config, check-config): never read from a file.
bool is_command_option(const std::string& long_name);

}  // namespace settings
