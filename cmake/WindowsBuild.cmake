# The Windows build beside the Linux one: where Debian's mingw-w64 is
# installed (scripts/setup.sh), the Linux build also cross-compiles the
# Windows targets into build/windows (cmake/mingw-w64-x86_64.cmake) and
# ctest runs their tests under wine as one entry, windows.units.
find_program(TETHER_MINGW_CXX x86_64-w64-mingw32-g++-posix)
find_program(TETHER_WINE wine)
if(NOT TETHER_MINGW_CXX OR NOT TETHER_WINE)
  message(STATUS "Windows build skipped: mingw-w64 (posix) or wine not installed (scripts/setup.sh)")
  return()
endif()

include(ExternalProject)
set(TETHER_WINDOWS_DIR ${CMAKE_BINARY_DIR}/windows)
ExternalProject_Add(tether_windows
  SOURCE_DIR ${CMAKE_SOURCE_DIR}
  BINARY_DIR ${TETHER_WINDOWS_DIR}
  CMAKE_ARGS -DCMAKE_TOOLCHAIN_FILE=${CMAKE_SOURCE_DIR}/cmake/mingw-w64-x86_64.cmake
             -DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE}
             -DTETHER_DEFAULT_RELAY=${TETHER_DEFAULT_RELAY}
             -DTETHER_PROXY_CONF=${TETHER_PROXY_CONF}
             -DTETHER_RELAY_CA=${TETHER_RELAY_CA}
  INSTALL_COMMAND ""
  BUILD_ALWAYS ON)  # its own make decides what is out of date

# The wine prefixes of this build's tests, made once before any test runs
# wine (fixture wine_prefixes): wine-prefix by wineboot, the others copies
# of it (cmake/wine-prefix.sh). Made inside a test with a readiness wait,
# a prefix cost that test ~60 s on a loaded machine, past its own limits.
# wine-prefix: the headless tests (no DISPLAY) and windows.units; -display:
# the programs on a test's own Xvfb (e2e.wininput.*); -ie: the Internet
# Options tests; -screen, -window, -dpi: e2e.winclient's screen and window;
# -config: e2e.winclient.config_paths (its own %ProgramData% and %APPDATA%).
set(TETHER_WINE_PREFIXES wine-prefix wine-prefix-display wine-prefix-ie wine-prefix-screen wine-prefix-window
    wine-prefix-dpi wine-prefix-config)
list(TRANSFORM TETHER_WINE_PREFIXES PREPEND ${CMAKE_BINARY_DIR}/)
add_test(NAME wine.prefixes COMMAND ${CMAKE_SOURCE_DIR}/cmake/wine-prefix.sh ${TETHER_WINE_PREFIXES})
set_tests_properties(wine.prefixes PROPERTIES TIMEOUT 900 LABELS e2e FIXTURES_SETUP wine_prefixes)

# Serially (-j1) inside one ctest slot: wine runs a wineserver per prefix.
add_test(NAME windows.units
         COMMAND ${CMAKE_CTEST_COMMAND} --test-dir ${TETHER_WINDOWS_DIR} --output-on-failure --timeout 300)
set_tests_properties(windows.units PROPERTIES TIMEOUT 900 LABELS e2e FIXTURES_REQUIRED wine_prefixes
  ENVIRONMENT "TETHER_WINEPREFIX=${CMAKE_BINARY_DIR}/wine-prefix")
