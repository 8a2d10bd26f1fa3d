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

# Serially (-j1) inside one ctest slot: wine runs a wineserver per prefix.
add_test(NAME windows.units
         COMMAND ${CMAKE_CTEST_COMMAND} --test-dir ${TETHER_WINDOWS_DIR} --output-on-failure --timeout 300)
set_tests_properties(windows.units PROPERTIES TIMEOUT 900 LABELS e2e
  ENVIRONMENT "TETHER_WINEPREFIX=${CMAKE_BINARY_DIR}/wine-prefix")
