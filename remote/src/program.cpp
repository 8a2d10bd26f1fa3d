// The program pieces both platforms share (see program.h).
#include "remote/program.h"

#include "wire/session_code.h"

namespace remote {

std::string code_or_stdin(const std::string& given, std::istream& in) {
    if (given != "-") return given;
    std::string line;
    std::getline(in, line);  // EOF: empty, which the caller refuses
    return wire::session_code_digits(line);
}

}  // namespace remote
