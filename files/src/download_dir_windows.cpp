// DownloadDir on Windows: \\?\ paths inside the folder (names past
// MAX_PATH work), reparse points (symbolic links, junctions) never
// followed, and MoveFileEx without REPLACE_EXISTING, which fails when the
// target exists (case-insensitively, as the file system compares).
#include "download_dir.h"

#include <windows.h>

#include <stdexcept>

#include "platform/windows_text.h"

namespace files {
namespace {

[[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error(what + ": " + platform::last_error_text());
}

// Opens without following a reparse point; the caller checks what it got.
// FILE_SHARE_DELETE: commit() renames the partial while it is still open
// (POSIX allows that always; Windows only when every handle shares delete).
HANDLE open_in(const std::wstring& path, DWORD access, DWORD disposition) {
    return CreateFileW(path.c_str(), access, FILE_SHARE_READ | FILE_SHARE_DELETE, nullptr, disposition,
                       FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OPEN_REPARSE_POINT, nullptr);
}

bool is_plain_file(HANDLE h) {
    BY_HANDLE_FILE_INFORMATION info{};
    return GetFileInformationByHandle(h, &info) &&
           !(info.dwFileAttributes & (FILE_ATTRIBUTE_DIRECTORY | FILE_ATTRIBUTE_REPARSE_POINT));
}

}  // namespace

struct DownloadDir::Native {
    std::wstring dir;  // \\?\ form
    std::wstring in(const std::string& name) const { return dir + L"\\" + platform::to_utf16(name); }
};

DownloadDir::DownloadDir(const std::string& path) : path_(path), native_(std::make_unique<Native>()) {
    native_->dir = platform::long_path(path);
    while (native_->dir.size() > 7 && native_->dir.back() == L'\\') native_->dir.pop_back();
    DWORD a = GetFileAttributesW(native_->dir.c_str());
    if (a == INVALID_FILE_ATTRIBUTES) fail("cannot open the download folder " + path);
    if (!(a & FILE_ATTRIBUTE_DIRECTORY)) throw std::runtime_error("the download folder " + path + " is not a folder");
}

DownloadDir::~DownloadDir() = default;

Partial DownloadDir::open_partial(const std::string& key, const std::string& meta_json) {
    Partial p;
    HANDLE h = open_in(native_->in(partial_name(key)), GENERIC_READ | GENERIC_WRITE, OPEN_ALWAYS);
    if (h == INVALID_HANDLE_VALUE) fail("cannot create a temporary file in " + path_);
    p.file = File(reinterpret_cast<std::intptr_t>(h));
    if (!is_plain_file(h)) throw std::runtime_error("the temporary file in " + path_ + " is not a regular file");
    p.length = p.file.size();
    HANDLE m = open_in(native_->in(meta_name(key)), GENERIC_WRITE, CREATE_ALWAYS);
    if (m == INVALID_HANDLE_VALUE) fail("cannot write the transfer metadata in " + path_);
    File meta(reinterpret_cast<std::intptr_t>(m));
    if (!is_plain_file(m)) throw std::runtime_error("the metadata file in " + path_ + " is not a regular file");
    meta.write_at(meta_json.data(), meta_json.size(), 0);
    return p;
}

std::uint64_t DownloadDir::partial_length(const std::string& key) const {
    WIN32_FILE_ATTRIBUTE_DATA a{};
    if (!GetFileAttributesExW(native_->in(partial_name(key)).c_str(), GetFileExInfoStandard, &a)) return 0;
    if (a.dwFileAttributes & (FILE_ATTRIBUTE_DIRECTORY | FILE_ATTRIBUTE_REPARSE_POINT)) return 0;
    return (static_cast<std::uint64_t>(a.nFileSizeHigh) << 32) | a.nFileSizeLow;
}

// Any directory entry named `to` (a file, a folder, a link to anything,
// even a dangling one) makes it taken. Looked up by listing, which opens
// nothing, and first: wine's MoveFileEx replaces a symbolic link where
// Windows' refuses. MoveFileEx without REPLACE_EXISTING still refuses a
// file that appears in between.
bool DownloadDir::rename_no_replace(const std::string& from, const std::string& to) {
    const std::wstring target = native_->in(to);
    WIN32_FIND_DATAW found;
    HANDLE listing = FindFirstFileW(target.c_str(), &found);
    if (listing != INVALID_HANDLE_VALUE) {
        FindClose(listing);
        return false;
    }
    if (MoveFileExW(native_->in(from).c_str(), target.c_str(), MOVEFILE_WRITE_THROUGH)) return true;
    DWORD e = GetLastError();
    if (e == ERROR_ALREADY_EXISTS || e == ERROR_FILE_EXISTS) return false;
    fail("cannot move the received file into place");
}

void DownloadDir::unlink(const std::string& name) { DeleteFileW(native_->in(name).c_str()); }

}  // namespace files
