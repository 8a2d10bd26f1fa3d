// Benchmark baseline (was internal to tunnel/ until the Noise channel): an OpenSSL BIO over two plain byte queues, so the TLS
// engine hands ciphertext to and from the inner stream with one copy each
// way (a memory BIO costs an extra copy and a memset per batch).
#pragma once

#include <cstddef>
#include <vector>

#include "session/byte_stream.h"

#include <openssl/bio.h>

namespace baseline_tls {
using namespace session;  // the old tunnel/ code, moved here as it was (ByteStream is session::)

// Ciphertext waiting between OpenSSL and the inner stream. The owner guards
// it with the same mutex as the SSL object that uses the BIO.
//
// Incoming ciphertext is read from the inner stream straight into `in`, with
// no staging copy: reserve_in() (under the mutex) makes room at the end and
// returns where to write; the reader thread fills it WITHOUT the mutex; then
// commit_in() (under the mutex) makes those bytes visible. Safe because only
// the reader thread calls reserve_in/commit_in, so `in` is never reallocated
// or compacted while it writes, and the BIO only reads [in_pos, in_end),
// which that write does not touch.
struct CipherQueues {
    std::vector<unsigned char> in;   // storage; bytes [in_pos, in_end) are pending
    std::size_t in_pos = 0;          // bytes of `in` OpenSSL already consumed
    std::size_t in_end = 0;          // end of the ciphertext received so far
    std::vector<unsigned char> out;  // produced by OpenSSL, not yet sent

    std::size_t in_pending() const { return in_end - in_pos; }
    unsigned char* reserve_in(std::size_t n);  // compacts consumed bytes, makes room for n
    void commit_in(std::size_t n);             // n bytes written at the reserved place
};

// A BIO reading `q->in` and appending to `q->out`. Reading an empty queue
// asks OpenSSL to retry (SSL_ERROR_WANT_READ), never reports end of stream.
// `q` must outlive the BIO. Returns nullptr when out of memory.
BIO* make_queue_bio(CipherQueues* q);

}  // namespace baseline_tls
