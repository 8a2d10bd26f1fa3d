// Internal to tunnel/: an OpenSSL BIO over two plain byte queues, so the TLS
// engine hands ciphertext to and from the inner stream with one copy each
// way (a memory BIO costs an extra copy and a memset per batch).
#pragma once

#include <cstddef>
#include <vector>

#include <openssl/bio.h>

namespace tunnel {

// Ciphertext waiting between OpenSSL and the inner stream. The owner guards
// it with the same mutex as the SSL object that uses the BIO.
struct CipherQueues {
    std::vector<unsigned char> in;   // from the peer, not yet read by OpenSSL
    std::size_t in_pos = 0;          // bytes of `in` OpenSSL already consumed
    std::vector<unsigned char> out;  // produced by OpenSSL, not yet sent

    std::size_t in_pending() const { return in.size() - in_pos; }
    void push_in(const unsigned char* p, std::size_t n);  // compacts consumed bytes first
};

// A BIO reading `q->in` and appending to `q->out`. Reading an empty queue
// asks OpenSSL to retry (SSL_ERROR_WANT_READ), never reports end of stream.
// `q` must outlive the BIO. Returns nullptr when out of memory.
BIO* make_queue_bio(CipherQueues* q);

}  // namespace tunnel
