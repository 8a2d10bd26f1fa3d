// file_io.h on Windows: ReadFile/WriteFile at an OVERLAPPED offset on a
// synchronous handle (the Win32 pread/pwrite), UTF-16 long paths.
#include "file_io.h"

#include <windows.h>

#include <algorithm>
#include <stdexcept>

#include "platform/windows_text.h"

namespace files {
namespace {

[[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error(what + ": " + platform::last_error_text());
}

// For reads and writes, whose callers say what they were doing.
[[noreturn]] void fail_bare() { throw std::runtime_error(platform::last_error_text()); }

HANDLE handle(std::intptr_t h) { return reinterpret_cast<HANDLE>(h); }

OVERLAPPED at(std::uint64_t offset) {
    OVERLAPPED o{};
    o.Offset = static_cast<DWORD>(offset);
    o.OffsetHigh = static_cast<DWORD>(offset >> 32);
    return o;
}

// One ReadFile/WriteFile moves at most this much (its length is a DWORD).
constexpr std::size_t kMaxIo = 1u << 30;

}  // namespace

File File::open_read(const std::string& path) {
    const std::wstring w = platform::long_path(path);
    DWORD attributes = GetFileAttributesW(w.c_str());
    if (attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_DIRECTORY))
        throw std::runtime_error(path + " is not a regular file");  // CreateFile would say "access denied"
    HANDLE h = CreateFileW(w.c_str(), GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                           OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
    if (h == INVALID_HANDLE_VALUE) fail("cannot open " + path);
    File f(reinterpret_cast<std::intptr_t>(h));
    if (GetFileType(h) != FILE_TYPE_DISK) throw std::runtime_error(path + " is not a regular file");
    BY_HANDLE_FILE_INFORMATION info{};
    if (!GetFileInformationByHandle(h, &info) || (info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY))
        throw std::runtime_error(path + " is not a regular file");
    return f;
}

std::uint64_t File::size() const {
    LARGE_INTEGER n{};
    if (!GetFileSizeEx(handle(h_), &n)) fail("cannot read the file's size");
    return static_cast<std::uint64_t>(n.QuadPart);
}

std::uint64_t File::modified() const {
    FILETIME written{};
    if (!GetFileTime(handle(h_), nullptr, nullptr, &written)) fail("cannot read the file's modification time");
    return (static_cast<std::uint64_t>(written.dwHighDateTime) << 32) | written.dwLowDateTime;
}

std::size_t File::read_at(void* buf, std::size_t len, std::uint64_t offset) const {
    OVERLAPPED o = at(offset);
    DWORD got = 0;
    if (ReadFile(handle(h_), buf, static_cast<DWORD>(std::min(len, kMaxIo)), &got, &o)) return got;
    if (GetLastError() == ERROR_HANDLE_EOF) return 0;
    fail_bare();
}

void File::write_at(const void* buf, std::size_t len, std::uint64_t offset) {
    const char* p = static_cast<const char*>(buf);
    while (len > 0) {
        OVERLAPPED o = at(offset);
        DWORD put = 0;
        if (!WriteFile(handle(h_), p, static_cast<DWORD>(std::min(len, kMaxIo)), &put, &o)) fail_bare();
        p += put;
        len -= put;
        offset += put;
    }
}

void File::truncate(std::uint64_t len) {
    FILE_END_OF_FILE_INFO eof{};
    eof.EndOfFile.QuadPart = static_cast<LONGLONG>(len);
    if (!SetFileInformationByHandle(handle(h_), FileEndOfFileInfo, &eof, sizeof eof))
        fail("cannot reset the temporary file");
}

// The allocation size is separate from the length on NTFS: reserving it
// keeps the length (what was written) for resuming.
void File::reserve(std::uint64_t have, std::uint64_t size) {
    if (size <= have) return;
    FILE_ALLOCATION_INFO alloc{};
    alloc.AllocationSize.QuadPart = static_cast<LONGLONG>(size);
    if (SetFileInformationByHandle(handle(h_), FileAllocationInfo, &alloc, sizeof alloc)) return;
    DWORD e = GetLastError();
    if (e == ERROR_DISK_FULL || e == ERROR_HANDLE_DISK_FULL) throw std::runtime_error(no_space_text(size - have));
}

void File::sync() {
    if (!FlushFileBuffers(handle(h_))) fail_bare();
}

void File::close() {
    if (is_open()) CloseHandle(handle(h_));
    h_ = kNone;
}

}  // namespace files
