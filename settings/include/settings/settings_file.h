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

#include <string>
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

// True for the options that select what to do rather than set something
// (help, version, config, check-config): never read from a file.
bool is_command_option(const std::string& long_name);

}  // namespace settings
