// The program pieces both platforms share (see program.h).
#include "remote/program.h"

#include <iostream>
#include <mutex>
#include <thread>

#include "remote/chat.h"
#include "settings/tether_conf.h"
#include "wire/session_code.h"

namespace remote {

int run_program(const std::string& program, const std::function<bool()>& parse, const std::function<int()>& run) {
    ignore_broken_pipes();
    try {
        if (!parse()) return settings::kExitOk;
    } catch (const std::exception& e) {  // the options, a TETHER_* variable, tether.conf or proxy.conf
        std::cerr << program << ": " << e.what() << " (see --help)\n";
        return settings::kExitUsage;
    }
    try {
        return run();
    } catch (const std::exception& e) {
        std::cerr << program << ": " << e.what() << "\n";
        return settings::kExitFailure;
    }
}

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
