// Typed errors of proxydetect. Each what() is a sentence that says what went
// wrong and what to do about it; callers catch these at their loop boundary.
#pragma once

#include <stdexcept>
#include <string>

namespace proxydetect {

// Base of everything proxydetect throws on purpose.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// proxy.conf could not be read or is invalid. line() is 1-based, 0 when the
// problem is not tied to one line (e.g. the file cannot be opened).
class ConfigError : public Error {
public:
    ConfigError(std::string file, int line, const std::string& message);
    const std::string& file() const { return file_; }
    int line() const { return line_; }

private:
    std::string file_;
    int line_;
};

// A URL given to resolve() (or a proxy URL) could not be parsed.
class UrlError : public Error {
public:
    using Error::Error;
};

}  // namespace proxydetect
