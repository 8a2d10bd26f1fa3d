// The cluster's shared secret (--cluster-secret-file): it authenticates
// forwarded requests on the cluster listener (X-Tether-Cluster) and keys
// the HMAC that hides codes in Redis. Internal to relay/.
#pragma once

#include <string>

namespace relay {

// The file's contents without trailing whitespace. Throws
// std::invalid_argument with what to do: missing, unreadable, readable by
// group or others (like every secret of the relay: chmod 600), or shorter
// than 16 characters.
std::string load_cluster_secret(const std::string& path);

// Equality whose time does not depend on where `a` and `b` differ.
bool secret_equal(const std::string& a, const std::string& b);

}  // namespace relay
