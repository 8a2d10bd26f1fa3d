// The program pieces both platforms share (see program.h).
#include "remote/program.h"

#include <iostream>
#include <mutex>
#include <thread>

#include "remote/chat.h"
#include "wire/session_code.h"

namespace remote {

std::string code_or_stdin(const std::string& given, std::istream& in) {
    if (given != "-") return given;
    std::string line;
    std::getline(in, line);  // EOF: empty, which the caller refuses
    return wire::session_code_digits(line);
}

void print_chat_line(const ChatLine& l) {
    static std::mutex out_mu;
    std::lock_guard<std::mutex> lk(out_mu);
    std::cout << chat_display(l) << std::endl;
}

void print_chat_refusal(const std::string& program, const std::string& why) {
    std::cerr << program << ": " << why << std::endl;
}

void send_stdin_lines(std::function<void(const std::string&)> send) {
    std::thread([send = std::move(send)] {
        std::string line;
        while (std::getline(std::cin, line)) {
            if (!line.empty() && line.back() == '\r') line.pop_back();
            if (!line.empty()) send(line);
        }
    }).detach();
}

}  // namespace remote
