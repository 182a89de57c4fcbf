// OpenSSL's libcrypto, for SHA-256 of inputs and rule files (Debian libssl-dev).
#include <openssl/evp.h>
