# libgcrypt, the one crypto library of the code that builds for both targets
# (e2e/, files/): the target tether_gcrypt. Linux: pkg-config (libgcrypt20-dev).
# Windows: Debian's libgcrypt-mingw-w64-dev has no pkg-config file, and its
# .dll.a import libraries would need DLLs beside the .exe, so the static
# libraries are named outright.
if(TARGET tether_gcrypt)
  return()
endif()
add_library(tether_gcrypt INTERFACE)
if(WIN32)
  find_library(GCRYPT_STATIC_LIB NAMES libgcrypt.a REQUIRED)
  find_library(GPG_ERROR_STATIC_LIB NAMES libgpg-error.a REQUIRED)
  target_link_libraries(tether_gcrypt INTERFACE ${GCRYPT_STATIC_LIB} ${GPG_ERROR_STATIC_LIB} ws2_32)
else()
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(GCRYPT REQUIRED IMPORTED_TARGET libgcrypt)
  target_link_libraries(tether_gcrypt INTERFACE PkgConfig::GCRYPT)
endif()
