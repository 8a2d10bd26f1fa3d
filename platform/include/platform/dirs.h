// Folders, the one way in every program: `mkdir -p` for folders that hold
// private things (received files, the relay's keys, the transport cache),
// where the user's downloads go, and replacing a file atomically.
#pragma once

#include <string>

namespace platform {

// Creates `path` and its missing parents, readable by the owner only where
// the platform has modes (0700 on POSIX; Windows folders inherit the user
// profile's ACL). Existing folders are left as they are. Throws
// std::runtime_error "cannot create the folder P: why" if `path` is not a
// folder afterwards.
void make_private_dirs(const std::string& path);

// The user's Downloads folder joined with `sub` ("~/Downloads/Tether" on
// Linux, the known folder Downloads\Tether on Windows); a relative
// "Tether-downloads" where the platform names no home at all.
std::string user_downloads_dir(const std::string& sub = "Tether");

// Renames `from` to `to`, replacing `to` if it exists, in one step: a
// reader sees the old file or the new one, never a half-written one
// (POSIX rename; Windows MoveFileEx with MOVEFILE_REPLACE_EXISTING, since
// rename() there refuses an existing target). False if it failed.
bool replace_file(const std::string& from, const std::string& to);

// Shows the folder `path` in the desktop's file manager without waiting for
// it ("Open folder" beside a received file): `xdg-open PATH` on Linux (the
// desktop's choice; found on $PATH), the shell's "open" (Explorer) on
// Windows. False if it could not be started.
bool open_folder(const std::string& path);

}  // namespace platform
