#include "zeroed_wal.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

namespace parley::store {
namespace {

// How far ahead of RocksDB's writes a log is filled with zeros. Each chunk
// costs one slower sync (the file grows); a channel record is a few hundred
// bytes, so that is one sync in thousands.
constexpr uint64_t kChunk = 1 << 20;

// RocksDB names its write-ahead logs NNNNNN.log (digits only); other files
// (LOG, MANIFEST-NNNNNN, OPTIONS-NNNNNN, *.sst) are left alone.
bool IsWal(const std::string& path) {
  const std::string name = std::filesystem::path(path).filename().string();
  if (!name.ends_with(".log") || name.size() == 4) return false;
  return std::all_of(name.begin(), name.end() - 4, [](char c) { return c >= '0' && c <= '9'; });
}

class ZeroedWalFile final : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  ZeroedWalFile(std::unique_ptr<rocksdb::FSWritableFile> file, std::string path)
      : FSWritableFileOwnerWrapper(std::move(file)), path_(std::move(path)) {}

  // Each write first zeros the log past where it ends; an append ends at the
  // file's size, which the wrapped file counts, plus the data.
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus zeroed = ZeroUpTo(target()->GetFileSize(options, dbg) + data.size());
    return zeroed.ok() ? target()->Append(data, options, dbg) : zeroed;
  }
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           const rocksdb::DataVerificationInfo& info,
                           rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus zeroed = ZeroUpTo(target()->GetFileSize(options, dbg) + data.size());
    return zeroed.ok() ? target()->Append(data, options, info, dbg) : zeroed;
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset,
                                     const rocksdb::IOOptions& options,
                                     rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus zeroed = ZeroUpTo(offset + data.size());
    return zeroed.ok() ? target()->PositionedAppend(data, offset, options, dbg) : zeroed;
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset,
                                     const rocksdb::IOOptions& options,
                                     const rocksdb::DataVerificationInfo& info,
                                     rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus zeroed = ZeroUpTo(offset + data.size());
    return zeroed.ok() ? target()->PositionedAppend(data, offset, options, info, dbg) : zeroed;
  }

 private:
  // Fills [zeroed_, end rounded up to a chunk) with zeros, through a
  // descriptor of our own: RocksDB's writes to the file go on at its offset.
  rocksdb::IOStatus ZeroUpTo(uint64_t end) {
    if (end <= zeroed_) return rocksdb::IOStatus::OK();
    const uint64_t target_end = (end / kChunk + 1) * kChunk;
    const int fd = ::open(path_.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return rocksdb::IOStatus::IOError(path_, std::strerror(errno));
    static const std::array<char, 64 * 1024> kZeros{};
    for (uint64_t at = zeroed_; at < target_end;) {
      const size_t n = std::min<uint64_t>(kZeros.size(), target_end - at);
      const ssize_t wrote = ::pwrite(fd, kZeros.data(), n, static_cast<off_t>(at));
      if (wrote < 0 && errno == EINTR) continue;
      if (wrote <= 0) {
        const int error = errno;
        ::close(fd);
        return rocksdb::IOStatus::IOError(path_, std::strerror(error));
      }
      at += static_cast<uint64_t>(wrote);
    }
    ::close(fd);
    zeroed_ = target_end;
    return rocksdb::IOStatus::OK();
  }

  std::string path_;
  // NewWritableFile truncates, so a wrapped log starts empty. (RocksDB's
  // ReopenWritableFile and ReuseWritableFile, for recovery's truncation and
  // recycled logs, are not wrapped: they reach the file system unchanged.)
  uint64_t zeroed_ = 0;  // zeros reach this far
};

class ZeroedWalFileSystem final : public rocksdb::FileSystemWrapper {
 public:
  using FileSystemWrapper::FileSystemWrapper;
  const char* Name() const override { return "ParleyZeroedWal"; }

  rocksdb::IOStatus NewWritableFile(const std::string& path, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = target()->NewWritableFile(path, options, result, dbg);
    if (s.ok() && IsWal(path) && !options.use_direct_writes) {
      *result = std::make_unique<ZeroedWalFile>(std::move(*result), path);
    }
    return s;
  }
};

}  // namespace

std::shared_ptr<rocksdb::FileSystem> NewZeroedWalFileSystem(
    std::shared_ptr<rocksdb::FileSystem> base) {
  return std::make_shared<ZeroedWalFileSystem>(std::move(base));
}

}  // namespace parley::store
