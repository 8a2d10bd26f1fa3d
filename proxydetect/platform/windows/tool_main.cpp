// tether-proxydetect.exe: `explain URL [--json] [-c proxy.conf]` on Windows,
// through proxydetect::explain_command, the function tether-client.exe's
// --explain calls too; the words are the Linux tool's. No Boost
// program_options library exists for mingw: the few options by hand.
#include <iostream>
#include <string>

#include "proxydetect/explain.h"

int main(int argc, char** argv) {
    proxydetect::ExplainRequest r;
    std::string command;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--json") r.json = true;
        else if ((a == "-c" || a == "--config") && i + 1 < argc) r.config_path = argv[++i];
        else if (command.empty()) command = a;
        else if (r.url.empty()) r.url = a;
        else command = "?";
    }
    if (command != "explain" || r.url.empty()) {
        std::cerr << "Usage: tether-proxydetect explain URL [--json] [-c proxy.conf]\n"
                     "  (proxy.conf default: $TETHER_PROXY_CONF, else "
                  << proxydetect::default_config_path() << " if it exists)\n";
        return 2;
    }
    return proxydetect::explain_command(r, std::cout, std::cerr);
}
