// The Internet Options of a wine prefix (what WinHTTP, and so proxydetect on
// Windows, reads as the user's proxy settings), written with `reg add` under
// cmake/wine-run.sh. Shared by e2e.winnet.ie_* and e2e.winclient.pac.
//
// These tests change a prefix's registry: give them a prefix of their own
// (build/wine-prefix-ie, never the one the other tests share) and run them
// one at a time there: ctest RESOURCE_LOCK wine_prefix_ie.
#pragma once

#include <string>

namespace test_support {

// The flags field of the settings blob (the check boxes of the dialog).
enum InternetOptionsFlags : unsigned { kIeDirect = 1, kIeFixedProxy = 2, kIeScript = 4, kIeDetect = 8 };

// HKCU\...\Internet Settings\Connections\DefaultConnectionSettings as hex
// for `reg add /t REG_BINARY /d`: the blob Internet Options writes and
// WinHttpGetIEProxyConfigForCurrentUser reads (wine 8 reads only this, not
// ProxyEnable/ProxyServer/AutoConfigURL): DWORD version 0x46, DWORD change
// counter, DWORD flags, then the fixed proxy, the bypass list and the
// script URL, each a DWORD length + ANSI text.
std::string internet_options_hex(unsigned flags, const std::string& proxy, const std::string& bypass,
                                 const std::string& script);

// Writes that value into wine prefix `prefix`, running `wine_run` (the path
// of cmake/wine-run.sh) reg add; the first use creates the prefix (~20 s).
// Throws std::runtime_error with reg's output if it fails.
void set_internet_options(const std::string& wine_run, const std::string& prefix, unsigned flags,
                          const std::string& proxy = "", const std::string& bypass = "",
                          const std::string& script = "");

}  // namespace test_support
