// A RocksDB file system that fails writes to the write-ahead log on demand,
// as a failing or full disk would, for stores opened with its Env.
#pragma once

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <atomic>
#include <memory>

namespace parley::e2e::faults {

class FaultyFileSystem : public rocksdb::FileSystemWrapper {
 public:
  enum class Fault {
    kNone,
    kAppend,  // appending to the log fails and writes nothing
    kSync,    // the bytes are appended, then syncing them fails
  };

  FaultyFileSystem() : rocksdb::FileSystemWrapper(rocksdb::FileSystem::Default()) {}
  const char* Name() const override { return "FaultyFileSystem"; }

  // From now on, every log write fails as `fault` says (kNone: none does).
  void Inject(Fault fault) { fault_ = fault; }
  // Log writes failed so far.
  int failures() const { return failures_; }

  rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* debug) override;

 private:
  class LogFile;

  std::atomic<Fault> fault_{Fault::kNone};
  std::atomic<int> failures_{0};
};

// An Env whose files go through a FaultyFileSystem, for RocksDbOptions::env.
struct FaultyEnv {
  std::shared_ptr<FaultyFileSystem> fs = std::make_shared<FaultyFileSystem>();
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs);
};

}  // namespace parley::e2e::faults
