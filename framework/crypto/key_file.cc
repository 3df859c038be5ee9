#include "parley/crypto/key_file.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace parley::crypto {
namespace {

Status ErrnoStatus(const std::string& what, const std::string& path) {
  return Status::IoError(what + " " + path + ": " + std::strerror(errno));
}

}  // namespace

Status WriteKeyFile(const std::string& path, const PrivateKey& key) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return Status::AlreadyExists("key file " + path + " already exists");
    return ErrnoStatus("cannot create key file", path);
  }
  auto secret = key.SecretBytes();
  std::string line = ToHex(secret) + "\n";
  OPENSSL_cleanse(secret.data(), secret.size());
  bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
                 ::fsync(fd) == 0;
  OPENSSL_cleanse(line.data(), line.size());
  Status status = written ? Status::Ok() : ErrnoStatus("cannot write key file", path);
  ::close(fd);
  if (!written) ::unlink(path.c_str());  // no half-written key left to trip over
  return status;
}

Result<PrivateKey> ReadKeyFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound("no key file at " + path);
    return ErrnoStatus("cannot open key file", path);
  }
  struct stat info;
  if (::fstat(fd, &info) != 0) {
    Status status = ErrnoStatus("cannot stat key file", path);
    ::close(fd);
    return status;
  }
  if ((info.st_mode & 077) != 0) {
    ::close(fd);
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(info.st_mode & 07777));
    return Status::PermissionDenied("key file " + path + " may be read by other users (mode " +
                                    mode + "); run: chmod 600 " + path);
  }
  char buffer[128];
  ssize_t n = ::read(fd, buffer, sizeof buffer);
  ::close(fd);
  if (n < 0) return ErrnoStatus("cannot read key file", path);
  std::string_view text(buffer, static_cast<size_t>(n));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  auto key = PrivateKey::FromHex(text);
  OPENSSL_cleanse(buffer, sizeof buffer);
  if (!key.ok()) return key.status().WithContext("key file " + path);
  return key;
}

Result<PrivateKey> LoadOrCreateKeyFile(const std::string& path) {
  auto existing = ReadKeyFile(path);
  if (existing.ok() || existing.status().code() != StatusCode::kNotFound) return existing;
  PrivateKey key = PrivateKey::Generate();
  PARLEY_RETURN_IF_ERROR(WriteKeyFile(path, key));
  return key;
}

}  // namespace parley::crypto
