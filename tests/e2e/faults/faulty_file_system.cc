#include "e2e/faults/faulty_file_system.h"

namespace parley::e2e::faults {

// A write-ahead log file whose appends and syncs fail while a fault is set.
class FaultyFileSystem::LogFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  LogFile(std::unique_ptr<rocksdb::FSWritableFile> file, FaultyFileSystem& fs)
      : FSWritableFileOwnerWrapper(std::move(file)), fs_(fs) {}

  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* debug) override {
    if (Fails(Fault::kAppend)) return Error("append");
    return FSWritableFileOwnerWrapper::Append(data, options, debug);
  }
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           const rocksdb::DataVerificationInfo& info,
                           rocksdb::IODebugContext* debug) override {
    if (Fails(Fault::kAppend)) return Error("append");
    return FSWritableFileOwnerWrapper::Append(data, options, info, debug);
  }
  rocksdb::IOStatus Sync(const rocksdb::IOOptions& options,
                         rocksdb::IODebugContext* debug) override {
    if (Fails(Fault::kSync)) return Error("sync");
    return FSWritableFileOwnerWrapper::Sync(options, debug);
  }
  rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options,
                          rocksdb::IODebugContext* debug) override {
    if (Fails(Fault::kSync)) return Error("sync");
    return FSWritableFileOwnerWrapper::Fsync(options, debug);
  }

 private:
  bool Fails(Fault fault) {
    if (fs_.fault_ != fault) return false;
    ++fs_.failures_;
    return true;
  }
  static rocksdb::IOStatus Error(const char* what) {
    return rocksdb::IOStatus::IOError(std::string("injected ") + what + " failure");
  }

  FaultyFileSystem& fs_;
};

rocksdb::IOStatus FaultyFileSystem::NewWritableFile(
    const std::string& name, const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSWritableFile>* result, rocksdb::IODebugContext* debug) {
  rocksdb::IOStatus s = target()->NewWritableFile(name, options, result, debug);
  if (s.ok() && name.ends_with(".log")) {  // the write-ahead log, where synced writes go
    *result = std::make_unique<LogFile>(std::move(*result), *this);
  }
  return s;
}

}  // namespace parley::e2e::faults
