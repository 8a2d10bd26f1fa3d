# The GUI programs' libraries (tether-desk, tether-client on Linux):
# Boost.Program_options and FLTK as the interface target tether_fltk, made
# once whichever CMakeLists includes this first.
# FLTK through fltk-config: Debian's FLTKConfig.cmake references a missing
# /usr/bin/fluid and fails find_package(FLTK).
find_package(Boost 1.74 REQUIRED COMPONENTS program_options)
if(NOT TARGET tether_fltk)
  find_program(FLTK_CONFIG fltk-config REQUIRED)
  execute_process(COMMAND ${FLTK_CONFIG} --cxxflags OUTPUT_VARIABLE FLTK_CXXFLAGS OUTPUT_STRIP_TRAILING_WHITESPACE)
  execute_process(COMMAND ${FLTK_CONFIG} --ldflags OUTPUT_VARIABLE FLTK_LDFLAGS OUTPUT_STRIP_TRAILING_WHITESPACE)
  separate_arguments(FLTK_CXXFLAGS UNIX_COMMAND "${FLTK_CXXFLAGS}")
  separate_arguments(FLTK_LDFLAGS UNIX_COMMAND "${FLTK_LDFLAGS}")
  add_library(tether_fltk INTERFACE)
  target_compile_options(tether_fltk INTERFACE ${FLTK_CXXFLAGS})
  target_link_libraries(tether_fltk INTERFACE ${FLTK_LDFLAGS})
endif()
