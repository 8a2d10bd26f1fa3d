// The customers' join page (`/`) and the client downloads (`/downloads/`):
// what they show and which file names they serve, without any HTTP. The
// page is built from the downloads directory only; nothing a request says
// is ever written into it (docs/RELAY.md "Join page"). Internal to relay/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relay {

// At most this many files are listed (an admin's directory, not an archive:
// the page stays small whatever lies there).
constexpr std::size_t kMaxListedDownloads = 64;
// Longest file name served; longer ones are neither listed nor served.
constexpr std::size_t kMaxDownloadName = 128;

struct Download {
    std::string name;   // a safe_download_name()
    std::uint64_t bytes = 0;
    std::string os;     // "windows", "linux", "macos" or "" (unknown)
};

// True for a name served from the downloads directory: 1 to kMaxDownloadName
// characters of [A-Za-z0-9._+-], not starting with '.'. So no '/', no '%'
// (nothing is percent-decoded), no "..": a name is one entry of the
// directory itself, never a path.
bool safe_download_name(std::string_view name);

// The operating system a client build is for, from its file name: .exe and
// .msi (or "windows"/"win64" in it) -> windows; .deb, .rpm, .AppImage,
// .tar.gz (or "linux") -> linux; .dmg, .pkg (or "mac") -> macos.
std::string download_os(std::string_view name);

// Content-Type by extension; application/octet-stream when unknown.
std::string download_content_type(std::string_view name);

// The regular files (symlinks and others skipped) with a safe name in `dir`,
// sorted by name, at most kMaxListedDownloads. Empty if `dir` is empty or
// unreadable.
std::vector<Download> list_downloads(const std::string& dir);

// "12.3 MB" for a download's size.
std::string human_size(std::uint64_t bytes);

// The whole page (HTML) for `downloads`; it loads /join.js and /join.css and
// nothing else.
std::string render_join_page(const std::vector<Download>& downloads);

// Static assets the page loads (the Content-Security-Policy forbids inline
// scripts and styles).
std::string_view join_script();
std::string_view join_style();

// The policy every page of the relay's is sent with: own scripts, styles and
// images only, no frames, forms post only to the relay.
constexpr const char* kJoinPagePolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

// "123456" -> "tether://join/123456"; nullopt unless `code` is 6 to 9 digits.
std::optional<std::string> join_link(std::string_view code);

}  // namespace relay
