// What a drag and drop onto the desk window carries (FL_PASTE after
// FL_DND_RELEASE): usually a text/uri-list ("file:///home/a/My%20File.pdf",
// lines ending in CRLF, '#' comments), sometimes plain paths, one a line.
// Pure functions, no FLTK.
#pragma once

#include <string>
#include <vector>

namespace desk {

// Local file paths in `text`: file:// URIs (host empty or "localhost")
// with %xx decoded, and absolute paths as they are. Other schemes, other
// hosts, comments and blank lines are skipped. Order is kept.
std::vector<std::string> dropped_paths(const std::string& text);

}  // namespace desk
