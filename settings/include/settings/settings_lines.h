// The key = value lines of Tether's settings files (tether.conf, relay.conf;
// the rules are settings_file.h's) and where a program finds them: the part
// of the one settings reader without Boost, so that tether-client.exe reads
// its files with it too (Boost.Program_options has no mingw build in
// Debian). Linux and Windows.
#pragma once

#include <string>
#include <vector>

namespace settings {

struct SettingLine {
    std::string key;    // lower case, '-' between words ("proxy-user")
    std::string written;  // the key as the file spells it
    std::string value;  // without surrounding blanks
    int line = 0;
};

// The settings of the file at `path`. Throws std::runtime_error
// "FILE:LINE: what is wrong" (or "FILE: ..." when it cannot be read or is
// a directory): a line without '=', a repeated key, an empty value.
std::vector<SettingLine> read_settings_file(const std::string& path);

// Where a program looks for its `name` ("tether.conf") when --config is not
// given, in reading order: the admin's, then the user's; only the files
// that exist. A later file's settings beat an earlier one's.
//   Linux:   /etc/tether/NAME, then $XDG_CONFIG_HOME/tether/NAME (else
//            ~/.config/tether/NAME) (settings_paths_posix.cpp);
//   Windows: %ProgramData%\Tether\NAME, then %APPDATA%\Tether\NAME (the
//            roaming profile) (settings_paths_windows.cpp).
std::vector<std::string> default_settings_files(const std::string& name);

}  // namespace settings
