// tether-tunnel: netcat through the relay (open / join CODE) and a
// reachability probe. Parses options, runs one command.
#include <iostream>

#include "commands.h"
#include "options.h"
#include "wire/allocator.h"

int main(int argc, char** argv) {
    wire::tune_allocator_for_streaming();  // before any thread starts
    using namespace tether_tunnel;
    std::optional<Options> o;
    try {
        o = parse_options(argc, argv, std::cout);
    } catch (const std::exception& e) {
        std::cerr << "tether-tunnel: " << e.what() << " (see --help)" << std::endl;
        return 2;
    }
    if (!o) return 0;
    if (o->command == "open") return run_open(*o);
    if (o->command == "join") return run_join(*o);
    return run_probe(*o);
}
