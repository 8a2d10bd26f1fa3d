#include "join_page.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "wire/session_code.h"

namespace relay {
namespace {

bool ends_with(std::string_view s, std::string_view tail) {
    if (s.size() < tail.size()) return false;
    for (std::size_t i = 0; i < tail.size(); ++i) {
        char c = s[s.size() - tail.size() + i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c != tail[i]) return false;
    }
    return true;
}

bool contains(std::string_view s, std::string_view part) {
    std::string lower(s);
    for (char& c : lower)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return lower.find(part) != std::string::npos;
}

// Names are safe_download_name()s already; escaped all the same, so that
// the page stays safe if that rule ever widens.
std::string html_escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out.push_back(c);
        }
    }
    return out;
}

const char* os_label(const std::string& os) {
    if (os == "windows") return "Windows";
    if (os == "linux") return "Linux";
    if (os == "macos") return "macOS";
    return "other";
}

std::string download_items(const std::vector<Download>& downloads) {
    if (downloads.empty()) return "<p id=\"no-downloads\">No downloads are available here yet: ask your supporter.</p>\n";
    std::string out = "<ul id=\"downloads\">\n";
    for (const Download& d : downloads) {
        const std::string name = html_escape(d.name);
        out += "<li data-os=\"" + d.os + "\"><a href=\"/downloads/" + name + "\" download>" + name + "</a> <span class=\"meta\">" +
               os_label(d.os) + ", " + human_size(d.bytes) + "</span></li>\n";
    }
    return out + "</ul>\n";
}

constexpr std::string_view kPageHead = R"(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Tether: join a support session</title>
<link rel="stylesheet" href="/join.css">
<script src="/join.js" defer></script>
</head>
<body>
<main>
<h1>Join a support session</h1>
<form id="join" action="/join" method="get" autocomplete="off">
<label for="code">The code your supporter gave you</label>
<input id="code" name="code" inputmode="numeric" pattern="[0-9 ]{6,11}" maxlength="11" placeholder="123 456" required>
<button id="open-button" type="submit">Open Tether</button>
</form>
<p id="open" hidden><a id="open-link" href="#">Open Tether with code <span id="open-code"></span></a></p>
<p class="hint">Tether not installed yet? Download it below, run it, and type the code there.</p>
<p id="suggested" hidden>For your system: <a id="suggested-link" href="#" download></a></p>
<h2>Downloads</h2>
)";

constexpr std::string_view kPageTail = R"(</main>
</body>
</html>
)";

// Prefills the code from ?code= or #code (a provider's page may link here
// with it), keeps the tether:// link in step with the field, and points at
// the download for the visitor's system. Only digits ever reach the DOM.
constexpr std::string_view kScript = R"JS('use strict';
(function () {
  var PREFIX = 'tether://join/';
  function digits(s) { return String(s || '').replace(/[\s-]/g, ''); }
  function valid(c) { return /^[0-9]{6,9}$/.test(c); }
  function detectOs() {
    // The user agent string still names the system in every browser.
    var p = navigator.userAgent + ' ' + (navigator.platform || '');
    if (/Win/i.test(p)) return 'windows';
    if (/Mac|iPhone|iPad/i.test(p)) return 'macos';
    if (/Linux|X11|CrOS/i.test(p)) return 'linux';
    return '';
  }
  function update() {
    var code = digits(document.getElementById('code').value);
    var open = document.getElementById('open');
    var link = document.getElementById('open-link');
    if (valid(code)) {
      link.href = PREFIX + code;
      document.getElementById('open-code').textContent = code;
      open.hidden = false;
    } else {
      link.href = '#';
      open.hidden = true;
    }
  }
  function suggest() {
    var os = detectOs();
    document.body.setAttribute('data-os', os);
    if (!os) return;
    var item = document.querySelector('#downloads li[data-os="' + os + '"] a');
    if (!item) return;
    item.parentNode.className = 'mine';
    var s = document.getElementById('suggested-link');
    s.href = item.getAttribute('href');
    s.textContent = item.textContent;
    document.getElementById('suggested').hidden = false;
  }
  function prefill() {
    var q = new URLSearchParams(location.search).get('code') || location.hash.replace(/^#(code=)?/, '');
    q = digits(q);
    if (valid(q)) document.getElementById('code').value = q;
  }
  document.addEventListener('DOMContentLoaded', function () {
    var field = document.getElementById('code');
    field.addEventListener('input', update);
    document.getElementById('join').addEventListener('submit', function (e) {
      var code = digits(field.value);
      if (!valid(code)) return;
      e.preventDefault();
      location.href = PREFIX + code;
    });
    prefill();
    update();
    suggest();
  });
})();
)JS";

constexpr std::string_view kStyle = R"(body { font-family: sans-serif; margin: 0; background: #f4f6f8; color: #1d2a36; }
main { max-width: 36em; margin: 3em auto; padding: 2em; background: #fff; border-radius: 8px; }
h1 { font-size: 1.5em; margin-top: 0; }
label { display: block; margin-bottom: .4em; }
input { font-size: 1.6em; letter-spacing: .15em; width: 9em; padding: .2em .4em; }
button, #open a { font-size: 1.1em; padding: .5em 1em; margin-left: .5em; }
#open a { display: inline-block; margin: 1em 0 0 0; background: #1f6feb; color: #fff; border-radius: 4px; text-decoration: none; }
.hint, .meta { color: #5b6770; }
li.mine { font-weight: bold; }
)";

}  // namespace

bool safe_download_name(std::string_view name) {
    if (name.empty() || name.size() > kMaxDownloadName || name.front() == '.') return false;
    for (char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                        c == '_' || c == '+' || c == '-';
        if (!ok) return false;
    }
    return true;
}

std::string download_os(std::string_view name) {
    if (ends_with(name, ".exe") || ends_with(name, ".msi") || contains(name, "windows") || contains(name, "win64"))
        return "windows";
    if (ends_with(name, ".dmg") || ends_with(name, ".pkg") || contains(name, "mac")) return "macos";
    if (ends_with(name, ".deb") || ends_with(name, ".rpm") || ends_with(name, ".appimage") || ends_with(name, ".tar.gz") ||
        contains(name, "linux"))
        return "linux";
    return "";
}

std::string download_content_type(std::string_view name) {
    struct Type {
        std::string_view ext, type;
    };
    static constexpr Type types[] = {
        {".exe", "application/vnd.microsoft.portable-executable"},
        {".msi", "application/x-msi"},
        {".deb", "application/vnd.debian.binary-package"},
        {".rpm", "application/x-rpm"},
        {".dmg", "application/x-apple-diskimage"},
        {".zip", "application/zip"},
        {".tar.gz", "application/gzip"},
        {".txt", "text/plain; charset=utf-8"},
        {".sha256", "text/plain; charset=utf-8"},
    };
    for (const Type& t : types)
        if (ends_with(name, t.ext)) return std::string(t.type);
    return "application/octet-stream";
}

std::vector<Download> list_downloads(const std::string& dir) {
    std::vector<Download> out;
    if (dir.empty()) return out;
    DIR* d = ::opendir(dir.c_str());
    if (!d) return out;
    const int dfd = ::dirfd(d);
    while (dirent* e = ::readdir(d)) {
        if (!safe_download_name(e->d_name)) continue;
        struct stat st {};
        // AT_SYMLINK_NOFOLLOW: a symlink is never listed (nor served).
        if (::fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)) continue;
        out.push_back({e->d_name, static_cast<std::uint64_t>(st.st_size), download_os(e->d_name)});
    }
    ::closedir(d);
    std::sort(out.begin(), out.end(), [](const Download& a, const Download& b) { return a.name < b.name; });
    if (out.size() > kMaxListedDownloads) out.resize(kMaxListedDownloads);
    return out;
}

std::string human_size(std::uint64_t bytes) {
    char buf[32];
    if (bytes < 1000 * 1000) std::snprintf(buf, sizeof buf, "%.0f kB", static_cast<double>(bytes) / 1000);
    else std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / 1e6);
    return buf;
}

std::string render_join_page(const std::vector<Download>& downloads) {
    return std::string(kPageHead) + download_items(downloads) + std::string(kPageTail);
}

std::string_view join_script() { return kScript; }
std::string_view join_style() { return kStyle; }

std::optional<std::string> join_link(std::string_view code) {
    if (!wire::valid_session_code(code)) return std::nullopt;
    return std::string(wire::kJoinLinkPrefix) + std::string(code);
}

}  // namespace relay
