// A full disk (Linux: a 1 MiB tmpfs, which needs root, as CI runs): the
// receiver declines before any byte moves.
#include <catch2/catch.hpp>

#include <sys/mount.h>

#include <cerrno>
#include <cstring>

#include "harness.h"

namespace {

using Fixture = SrcDown;

}  // namespace

// A tiny tmpfs as the download folder (mount needs root, as CI runs).
struct TinyMount {
    fs::path dir;
    bool mounted = false;
    explicit TinyMount(fs::path d) : dir(std::move(d)) {
        mounted = ::mount("tether-test", dir.c_str(), "tmpfs", 0, "size=1m") == 0;
    }
    ~TinyMount() {
        if (mounted) ::umount2(dir.c_str(), MNT_DETACH);
    }
};

TEST_CASE("a file larger than the free space is declined before any byte moves, with a clear reason") {
    Fixture fx;
    TinyMount tiny(fx.down);
    if (!tiny.mounted) {
        WARN("cannot mount a 1 MiB tmpfs here (needs root): " << std::strerror(errno) << "; test not run");
        return;
    }
    write_prng_file(fx.src / "big.bin", 4 * 1024 * 1024, 9);
    auto streams = session::make_stream_pair();
    Side sender(*streams.first, options_for(fx.src)), receiver(*streams.second, options_for(fx.down));
    sender.endpoint().send_file((fx.src / "big.bin").u8string());
    auto out = sender.wait_outcomes(1).at(0);
    auto in = receiver.wait_outcomes(1).at(0);
    CHECK_FALSE(out.ok);
    CHECK_FALSE(in.ok);
    CHECK_THAT(in.text, Catch::Contains("not enough free space"));
    CHECK_THAT(out.text, Catch::Contains("not enough free space"));
    CHECK(list_tree(fx.down).empty());  // no partial file, no metadata left behind
}
