// paced_relay: bench/session's PacedLink as a program, for timing a client
// by hand through a WAN-like link (README.md, "Paced link"):
//   paced_relay TARGET_PORT MBPS ONE_WAY_DELAY_MS   prints the port, runs until stdin closes
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "paced_link.h"

int main(int argc, char** argv) {
    if (argc != 4) { std::fprintf(stderr, "usage: paced_relay TARGET_PORT MBPS ONE_WAY_DELAY_MS\n"); return 2; }
    bench::PacedLink link(std::atoi(argv[1]), std::atof(argv[2]), std::atof(argv[3]));
    std::printf("%d\n", link.port());
    std::fflush(stdout);
    std::string line;
    while (std::getline(std::cin, line)) {}
    return 0;
}
