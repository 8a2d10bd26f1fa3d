// Reads a JPEG (vncsnapshot's output) into a Frame. Throws std::runtime_error.
#pragma once

#include <string>

#include "screen/platform.h"

namespace screentest {
screen::Frame read_jpeg(const std::string& path);
}
