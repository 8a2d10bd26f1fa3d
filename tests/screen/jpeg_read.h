// Reads a JPEG (vncsnapshot's output) into a Frame. Throws std::runtime_error.
#pragma once

#include <string>

#include "desktop/platform.h"

namespace screentest {
desktop::Frame read_jpeg(const std::string& path);
}
