// The key = value lines of Tether's settings files (tether.conf, relay.conf
// and proxy.conf: the rules are settings_file.h's) and where a program finds
// them: the part of the one settings reader without Boost, so that
// tether-client.exe and proxydetect read their files with it too
// (Boost.Program_options has no mingw build in Debian). Linux and Windows.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace settings {

// What is wrong with a settings file, at FILE:LINE (line 0: the file as a
// whole). what() is "FILE:LINE: message" (or "FILE: message").
class SettingsError : public std::runtime_error {
public:
    SettingsError(std::string file, int line, std::string message);
    const std::string& file() const { return file_; }
    int line() const { return line_; }
    const std::string& message() const { return message_; }

private:
    std::string file_;
    int line_;
    std::string message_;
};

struct SettingLine {
    std::string key;    // lower case, '-' between words ("proxy-user")
    std::string written;  // the key as the file spells it
    std::string value;  // without surrounding blanks
    int line = 0;
};

// The settings in `text`, a file's contents read from `origin` (named in
// errors). Blank lines and lines starting with '#' are skipped; a '#' later
// in a line is part of the value; a leading UTF-8 byte order mark (Windows
// editors) is ignored. Throws SettingsError: a line without '=', a repeated
// key (in any spelling), an empty value.
std::vector<SettingLine> parse_settings_lines(const std::string& text, const std::string& origin);

// The contents of the settings file at `path`. Throws SettingsError when it
// cannot be read or is a directory ("is a directory, not a `kind`").
std::string read_settings_text(const std::string& path, const std::string& kind = "settings file");

// parse_settings_lines(read_settings_text(path), path).
std::vector<SettingLine> read_settings_file(const std::string& path);

// Where a program looks for its `name` ("tether.conf") when --config is not
// given, in reading order: the admin's, then the user's; only the files
// that exist. A later file's settings beat an earlier one's. The folders
// are platform::tether_dir's system_config and user_config:
//   Linux:   /etc/tether/NAME, then $XDG_CONFIG_HOME/tether/NAME (else
//            ~/.config/tether/NAME);
//   Windows: %ProgramData%\Tether\NAME, then %APPDATA%\Tether\NAME (the
//            roaming profile).
std::vector<std::string> default_settings_files(const std::string& name);

}  // namespace settings
