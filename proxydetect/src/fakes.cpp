#include "proxydetect/fakes.h"

namespace proxydetect::fake {

std::optional<std::string> Environment::get(const std::string& name) const {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
}

std::optional<std::string> FileSystem::read(const std::string& path, std::string* error) const {
    auto it = files.find(path);
    if (it != files.end()) return it->second;
    if (error) *error = "no such file (fake)";
    return std::nullopt;
}

std::vector<std::string> Resolver::resolve(const std::string& host) {
    asked.push_back(host);
    auto it = names.find(host);
    return it == names.end() ? std::vector<std::string>{} : it->second;
}

HttpResponse HttpFetcher::get(const std::string& url, std::chrono::milliseconds, std::size_t) {
    fetched.push_back(url);
    auto it = bodies.find(url);
    if (it == bodies.end()) return {false, 404, "", "404 Not Found (fake)"};
    return {true, 200, it->second, ""};
}

std::optional<std::string> CommandRunner::run(const std::vector<std::string>& argv) {
    std::string key;
    for (const auto& a : argv) key += (key.empty() ? "" : " ") + a;
    auto it = outputs.find(key);
    if (it == outputs.end()) return std::nullopt;
    return it->second;
}

}  // namespace proxydetect::fake
