// The platform-neutral parts of DownloadDir: names and the collision loop.
#include "download_dir.h"

#include <stdexcept>

#include "files/names.h"

namespace files {
namespace {

// Collision suffixes tried before giving up: far more than any folder needs.
constexpr unsigned kMaxSuffix = 9999;

}  // namespace

std::string DownloadDir::partial_name(const std::string& key) { return ".tether-partial-" + key; }
std::string DownloadDir::meta_name(const std::string& key) { return partial_name(key) + ".json"; }

std::string DownloadDir::commit(const std::string& key, const std::string& name) {
    for (unsigned n = 0; n <= kMaxSuffix; ++n) {
        std::string candidate = n == 0 ? name : with_collision_suffix(name, n);
        if (rename_no_replace(partial_name(key), candidate)) {
            unlink(meta_name(key));
            return candidate;
        }
    }
    throw std::runtime_error("too many files named like " + name + " in " + path_);
}

void DownloadDir::remove(const std::string& key) {
    unlink(partial_name(key));
    unlink(meta_name(key));
}

}  // namespace files
