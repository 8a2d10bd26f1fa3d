// Folders, the one way in every program: `mkdir -p` for folders that hold
// private things (received files, the relay's keys, the transport cache),
// where Tether's settings, cache and records live, where the user's
// downloads go, and replacing a file atomically.
#pragma once

#include <string>

namespace platform {

// Creates `path` and its missing parents, readable by the owner only where
// the platform has modes (0700 on POSIX; Windows folders inherit the user
// profile's ACL). Existing folders are left as they are. Throws
// std::runtime_error "cannot create the folder P: why" if `path` is not a
// folder afterwards.
void make_private_dirs(const std::string& path);

// Tether's folder of one kind, joined with "tether" (Linux) or "Tether"
// (Windows); "" where the platform names no such place (no $HOME). Nothing
// is created.
//   system_config: /etc/tether;  %ProgramData%\Tether (machine-wide)
//   user_config:   $XDG_CONFIG_HOME/tether, else ~/.config/tether;
//                  %APPDATA%\Tether (the roaming profile)
//   user_cache:    $XDG_CACHE_HOME/tether, else ~/.cache/tether;
//                  %LOCALAPPDATA%\Tether
//   user_data:     $XDG_DATA_HOME/tether, else ~/.local/share/tether;
//                  %LOCALAPPDATA%\Tether
// Linux follows the XDG base directory rules (an empty variable counts as
// unset); Windows asks the shell for its known folders, not the
// environment, so that a service or a stripped environment finds them too.
enum class TetherDir { system_config, user_config, user_cache, user_data };
std::string tether_dir(TetherDir kind);

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
