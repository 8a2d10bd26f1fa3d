#include "proxydetect/errors.h"

namespace proxydetect {

namespace {
std::string located(const std::string& file, int line, const std::string& message) {
    if (line > 0) return file + ":" + std::to_string(line) + ": " + message;
    return file + ": " + message;
}
}  // namespace

ConfigError::ConfigError(std::string file, int line, const std::string& message)
    : Error(located(file, line, message)), file_(std::move(file)), line_(line) {}

}  // namespace proxydetect
