// A fresh directory under /tmp, removed with its contents on destruction
// (kept when TETHER_KEEP_TMP is set, to look at logs after a failure).
// Mode 0755, so that daemons that drop privileges (squid as `proxy`) can
// traverse it.
#pragma once

#include <string>

namespace test_support {

class TempDir {
public:
    explicit TempDir(const std::string& prefix = "tether-test");
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::string& path() const { return path_; }
    std::string file(const std::string& name) const { return path_ + "/" + name; }

    // Writes `text` to file(name) and returns its path.
    std::string write(const std::string& name, const std::string& text) const;

private:
    std::string path_;
};

// Whole contents of a file ("" if it does not exist).
std::string read_file(const std::string& path);

}  // namespace test_support
