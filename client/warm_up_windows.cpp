#include "warm_up_windows.h"

#include <cstdint>

#include "e2e/crypto.h"
#include "trace_windows.h"
#include "winnet/warm_up.h"

namespace client {

WarmUp::WarmUp(const winnet::Config& first_route, std::function<void()> more)
    : thread_([first_route, more] {
          winnet::warm_up(first_route);
          try {
              std::uint8_t b[1];
              e2e::random_bytes(b, sizeof b);  // loads the RNG provider and libgcrypt's set-up
          } catch (const std::exception&) {
              // The handshake will meet it again and say so.
          }
          auto trace = tracer();
          if (trace) trace("warm-up: network done");
          if (more) more();
          if (trace) trace("warm-up done");
      }) {}

WarmUp::~WarmUp() { thread_.join(); }

}  // namespace client
