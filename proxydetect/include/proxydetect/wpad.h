// WPAD DNS discovery: wpad.<domain>/wpad.dat for the DNS search domains.
// Devolution (trying parent domains) is where WPAD gets hijacked
// (wpad.co.uk), so it is bounded by the admin: with no wpad_domain_limit
// only wpad.<search domain> itself is tried; with a limit, parents are
// tried down to the limit and never past it, and search domains outside
// the limit are skipped.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace proxydetect {

struct WpadHosts {
    std::vector<std::string> hosts;    // "wpad.corp.example.com", in order
    std::vector<std::string> skipped;  // human notes on skipped domains
};

WpadHosts wpad_hosts(const std::vector<std::string>& search_domains,
                     const std::string& domain_limit);

// WPAD via DHCP (option 252, "auto-proxy-config"): the PAC URL in a DHCP
// lease file, the newest lease's when the file holds several; nullopt when
// there is none or it is not an http(s) URL. Formats:
// - ISC dhclient (/var/lib/dhcp/dhclient*.leases): `option wpad "URL";`
//   (with `option wpad code 252 = text;` in dhclient.conf) or, undeclared,
//   `option unknown-252 "URL";` or its hex form `68:74:74:70:...;`;
// - key=value lease files (NetworkManager's internal client,
//   /var/lib/NetworkManager/*.lease; systemd-networkd,
//   /run/systemd/netif/leases/*): `WPAD=URL` (any case) or
//   `OPTION_252=URL`. A trailing NUL some servers send is dropped.
std::optional<std::string> wpad_url_from_lease(const std::string& text);

// Where Linux DHCP clients keep their leases (the globs above), for
// NetworkInfo::dhcp_wpad_urls.
const std::vector<std::string>& dhcp_lease_globs();

}  // namespace proxydetect
