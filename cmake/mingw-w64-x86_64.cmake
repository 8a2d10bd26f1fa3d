# Toolchain for the Windows programs, cross-compiled here with Debian's
# mingw-w64 (posix threads flavour: std::thread and std::mutex work).
#   cmake -S . -B build-win -DCMAKE_TOOLCHAIN_FILE=cmake/mingw-w64-x86_64.cmake
# cmake/WindowsBuild.cmake does that from the Linux build (build/windows)
# and registers its tests, run under wine, as the ctest entry windows.units.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(TETHER_MINGW x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${TETHER_MINGW}-gcc-posix)
set(CMAKE_CXX_COMPILER ${TETHER_MINGW}-g++-posix)
set(CMAKE_RC_COMPILER ${TETHER_MINGW}-windres)

# Libraries and headers for the target only (libgcrypt, zlib from Debian's
# *-mingw-w64-dev packages); programs (pkg-config, wine) from the host.
set(CMAKE_FIND_ROOT_PATH /usr/${TETHER_MINGW})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# One self-contained .exe: no libstdc++/libwinpthread DLLs beside it.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static -static-libgcc -static-libstdc++")

# ctest runs the Windows test programs under wine (cmake/wine-run.sh).
set(CMAKE_CROSSCOMPILING_EMULATOR ${CMAKE_CURRENT_LIST_DIR}/wine-run.sh)
