// Private keys on disk: one line of hex in a file only its owner can read.
#pragma once

#include <string>

#include "parley/crypto/keys.h"
#include "parley/util/status.h"

namespace parley::crypto {

// Creates `path` with mode 0600 and writes `key` to it. Returns AlreadyExists
// if the file exists (a key is never overwritten), IoError if it can't be
// written.
Status WriteKeyFile(const std::string& path, const PrivateKey& key);

// Reads a key written by WriteKeyFile. Returns NotFound if there is no file,
// PermissionDenied if group or others may read it (the message says the chmod
// to run), InvalidArgument if it does not hold a valid key.
Result<PrivateKey> ReadKeyFile(const std::string& path);

// Reads the key at `path`, or creates one there if the file does not exist.
Result<PrivateKey> LoadOrCreateKeyFile(const std::string& path);

}  // namespace parley::crypto
