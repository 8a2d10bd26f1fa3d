# Writes OUT: the keysym -> Unicode rows of the legacy keysyms (0x100 to
# 0xffff, the ones X11 does not map by rule) from the U+ notes of the
# host's X11/keysymdef.h (Debian x11proto-dev), sorted by keysym for a
# binary search. Run with cmake -P at configure time, for both builds.
cmake_policy(VERSION 3.18)
if(NOT EXISTS "${KEYSYMDEF}")
  message(FATAL_ERROR "${KEYSYMDEF} not found: install x11proto-dev (the keysym to Unicode table is made from it)")
endif()
file(STRINGS "${KEYSYMDEF}" lines REGEX "^#define XK_[A-Za-z0-9_]+ +0x[0-9a-f]+ +/\\* U\\+[0-9A-F]+")
set(rows "")
set(seen "")
foreach(line IN LISTS lines)
  string(REGEX MATCH "0x([0-9a-f]+) +/\\* U\\+([0-9A-F]+)" _ "${line}")
  set(ks "${CMAKE_MATCH_1}")
  set(uc "${CMAKE_MATCH_2}")
  string(LENGTH "${ks}" len)
  if(len GREATER 4)  # 0x01000000 + U: by rule
    continue()
  endif()
  math(EXPR ksv "0x${ks}")
  math(EXPR ucv "0x${uc}")
  if(ksv LESS 256 OR ucv LESS 32 OR (ucv GREATER 126 AND ucv LESS 160))  # Latin-1 by rule; no control characters
    continue()
  endif()
  string(REPEAT "0" 4 pad)
  string(SUBSTRING "${pad}${ks}" ${len} 4 key)  # zero-padded, so the text sort is numeric
  if(NOT key IN_LIST seen)  # aliases: the first name wins
    list(APPEND seen "${key}")
    list(APPEND rows "{0x${key}, 0x${uc}},")
  endif()
endforeach()
list(SORT rows)
list(JOIN rows "\n" text)
file(WRITE "${OUT}.tmp" "// Generated from ${KEYSYMDEF} by wininput/cmake/keysym_table.cmake.\n${text}\n")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
