# Header-only libraries from Debian's host packages (catch2, nlohmann-json,
# the Boost headers) for a cross build: the target's include path must not
# see the host's /usr/include as a whole (glibc headers would win over
# mingw's), so each library gets a link in one folder of the build tree.
set(TETHER_HOST_HEADERS ${CMAKE_BINARY_DIR}/host-headers)
file(MAKE_DIRECTORY ${TETHER_HOST_HEADERS})
foreach(lib catch2 nlohmann boost)
  if(EXISTS /usr/include/${lib} AND NOT EXISTS ${TETHER_HOST_HEADERS}/${lib})
    file(CREATE_LINK /usr/include/${lib} ${TETHER_HOST_HEADERS}/${lib} SYMBOLIC)
  endif()
endforeach()
# -idirafter: searched after mingw's own headers, so it can never shadow them.
add_compile_options(-idirafter ${TETHER_HOST_HEADERS})
