#include "pac_runtime.h"

#include <duktape.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>

#include "pac_natives.h"
#include "pac_utils_js.h"

namespace pac {

namespace {

// ---- capped allocator: every block carries its size in a 16-byte header.
struct Heap {
    std::size_t limit = 0;
    std::size_t used = 0;
    bool exceeded = false;
};
constexpr std::size_t kHeader = 16;

void* cap_alloc(void* ud, duk_size_t size) {
    auto* h = static_cast<Heap*>(ud);
    if (h->used + size > h->limit) { h->exceeded = true; return nullptr; }
    auto* p = static_cast<char*>(std::malloc(size + kHeader));
    if (!p) { h->exceeded = true; return nullptr; }
    std::memcpy(p, &size, sizeof size);
    h->used += size;
    return p + kHeader;
}

void cap_free(void* ud, void* ptr) {
    if (!ptr) return;
    auto* h = static_cast<Heap*>(ud);
    char* p = static_cast<char*>(ptr) - kHeader;
    std::size_t size;
    std::memcpy(&size, p, sizeof size);
    h->used -= size;
    std::free(p);
}

void* cap_realloc(void* ud, void* ptr, duk_size_t size) {
    if (!ptr) return cap_alloc(ud, size);
    if (size == 0) { cap_free(ud, ptr); return nullptr; }
    auto* h = static_cast<Heap*>(ud);
    char* p = static_cast<char*>(ptr) - kHeader;
    std::size_t old;
    std::memcpy(&old, p, sizeof old);
    if (size > old && h->used + (size - old) > h->limit) { h->exceeded = true; return nullptr; }
    auto* q = static_cast<char*>(std::realloc(p, size + kHeader));
    if (!q) { h->exceeded = true; return nullptr; }
    std::memcpy(q, &size, sizeof size);
    h->used = h->used - old + size;
    return q + kHeader;
}

// Duktape calls this on unrecoverable errors; it must not return.
void fatal(void* ud, const char* msg) {
    (void)msg;  // may hold script text; the parent only needs the class of failure
    auto* h = static_cast<Heap*>(ud);
    const char* what = h && h->exceeded ? "PAC script exceeded the memory limit"
                                        : "JavaScript engine fatal error";
    std::fprintf(stdout, "{\"t\":\"error\",\"msg\":\"%s\"}\n", what);
    std::fflush(stdout);
    _exit(3);
}

// ---- natives. The Host lives in the global stash under "\xff" "host".
Host& host_of(duk_context* ctx) {
    duk_push_global_stash(ctx);
    duk_get_prop_string(ctx, -1, "\xff" "host");
    auto* h = static_cast<Host*>(duk_get_pointer(ctx, -1));
    duk_pop_2(ctx);
    return *h;
}

// Cache per evaluation: PAC scripts often resolve the same host many times.
std::vector<std::string> lookup(duk_context* ctx, const std::string& name) {
    static std::map<std::string, std::vector<std::string>> cache;
    if (ip_family(name) != 0) return {name};
    auto it = cache.find(name);
    if (it != cache.end()) return it->second;
    return cache[name] = host_of(ctx).resolve(name);
}

duk_ret_t js_alert(duk_context* ctx) {
    host_of(ctx).alert(duk_safe_to_string(ctx, 0));
    return 0;
}

duk_ret_t js_dns_resolve(duk_context* ctx) {
    for (const auto& a : lookup(ctx, duk_safe_to_string(ctx, 0))) {
        if (ip_family(a) == 4) { duk_push_string(ctx, a.c_str()); return 1; }
    }
    duk_push_null(ctx);
    return 1;
}

duk_ret_t js_dns_resolve_ex(duk_context* ctx) {
    duk_push_string(ctx, join(lookup(ctx, duk_safe_to_string(ctx, 0)), ";").c_str());
    return 1;
}

duk_ret_t js_my_ip(duk_context* ctx) {
    for (const auto& a : host_of(ctx).my_addresses) {
        if (ip_family(a) == 4) { duk_push_string(ctx, a.c_str()); return 1; }
    }
    duk_push_string(ctx, "127.0.0.1");  // the spec's answer when offline
    return 1;
}

duk_ret_t js_my_ip_ex(duk_context* ctx) {
    duk_push_string(ctx, join(host_of(ctx).my_addresses, ";").c_str());
    return 1;
}

duk_ret_t js_is_in_net_ex(duk_context* ctx) {
    duk_push_boolean(ctx, ip_in_prefix(duk_safe_to_string(ctx, 0), duk_safe_to_string(ctx, 1)));
    return 1;
}

duk_ret_t js_sort_ip_list(duk_context* ctx) {
    auto sorted = sort_ip_list(duk_safe_to_string(ctx, 0));
    if (sorted) duk_push_string(ctx, sorted->c_str());
    else duk_push_false(ctx);
    return 1;
}

duk_ret_t js_ip_family(duk_context* ctx) {
    duk_push_int(ctx, ip_family(duk_safe_to_string(ctx, 0)));
    return 1;
}

duk_ret_t js_now(duk_context* ctx) {
    auto& h = host_of(ctx);
    double ms = h.now_epoch ? double(*h.now_epoch) * 1000.0
                            : double(std::chrono::duration_cast<std::chrono::milliseconds>(
                                         std::chrono::system_clock::now().time_since_epoch()).count());
    duk_push_number(ctx, ms);
    return 1;
}

void install_natives(duk_context* ctx, Host& host) {
    duk_push_global_stash(ctx);
    duk_push_pointer(ctx, &host);
    duk_put_prop_string(ctx, -2, "\xff" "host");
    duk_pop(ctx);
    struct Native { const char* name; duk_c_function fn; duk_idx_t nargs; };
    static const Native natives[] = {
        {"alert", js_alert, 1},           {"dnsResolve", js_dns_resolve, 1},
        {"dnsResolveEx", js_dns_resolve_ex, 1}, {"myIpAddress", js_my_ip, 0},
        {"myIpAddressEx", js_my_ip_ex, 0}, {"isInNetEx", js_is_in_net_ex, 2},
        {"sortIpAddressList", js_sort_ip_list, 1}, {"__ipFamily", js_ip_family, 1},
        {"__now", js_now, 0},
    };
    for (const auto& n : natives) {
        duk_push_c_function(ctx, n.fn, n.nargs);
        duk_put_global_string(ctx, n.name);
    }
}

// Compiles and runs `source`; on failure returns the error text.
std::optional<std::string> run_source(duk_context* ctx, const std::string& source, const char* name) {
    duk_push_lstring(ctx, source.data(), source.size());
    duk_push_string(ctx, name);
    if (duk_pcompile(ctx, 0) != 0 || duk_pcall(ctx, 0) != 0) {
        std::string err = duk_safe_to_string(ctx, -1);
        duk_pop(ctx);
        return err;
    }
    duk_pop(ctx);
    return std::nullopt;
}

Outcome call_find_proxy(duk_context* ctx, const std::string& url, const std::string& host) {
    const char* fn = "FindProxyForURLEx";
    if (!duk_get_global_string(ctx, fn) || !duk_is_function(ctx, -1)) {
        duk_pop(ctx);
        fn = "FindProxyForURL";
        if (!duk_get_global_string(ctx, fn) || !duk_is_function(ctx, -1))
            return {false, "the script defines no FindProxyForURL function"};
    }
    duk_push_string(ctx, url.c_str());
    duk_push_string(ctx, host.c_str());
    if (duk_pcall(ctx, 2) != 0) return {false, std::string(fn) + " threw: " + duk_safe_to_string(ctx, -1)};
    if (!duk_is_string(ctx, -1))
        return {false, std::string(fn) + " returned a " + duk_safe_to_string(ctx, -1) + " value, not a string"};
    return {true, duk_get_string(ctx, -1)};
}

}  // namespace

Outcome evaluate(const std::string& script, const std::string& url, const std::string& host,
                 Host& env, std::size_t heap_limit) {
    Heap heap;
    heap.limit = heap_limit;
    duk_context* ctx = duk_create_heap(cap_alloc, cap_realloc, cap_free, &heap, fatal);
    if (!ctx) return {false, "cannot create the JavaScript heap"};
    install_natives(ctx, env);
    Outcome out;
    if (auto err = run_source(ctx, kPacUtils, "pac_utils.js")) out = {false, "internal PAC library: " + *err};
    else if (auto err = run_source(ctx, script, "proxy.pac")) out = {false, "script error: " + *err};
    else out = call_find_proxy(ctx, url, host);
    if (!out.ok && heap.exceeded)
        out.value = "PAC script exceeded the memory limit of " + std::to_string(heap_limit >> 20) +
                    " MiB (" + out.value + ")";
    duk_destroy_heap(ctx);
    return out;
}

}  // namespace pac
