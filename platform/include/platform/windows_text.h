// Windows only (included by *_windows.cpp files): our strings are UTF-8,
// Win32's are UTF-16, and paths past MAX_PATH (260) need the \\?\ form.
#pragma once

#include <string>

namespace platform {

// UTF-8 -> UTF-16. Throws std::runtime_error on invalid UTF-8 (a name we
// could not convert must never be half-converted into another name).
std::wstring to_utf16(const std::string& s);
// UTF-16 -> UTF-8 (unpaired surrogates become U+FFFD).
std::string to_utf8(const std::wstring& w);

// An absolute path in the \\?\ form, for any length: '/' become '\', a
// relative path is made absolute first, UNC paths become \\?\UNC\...
std::wstring long_path(const std::string& path);

// The system's sentence for a Win32 error code (GetLastError() by default).
std::string last_error_text(unsigned long code);
std::string last_error_text();

}  // namespace platform
