#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "parley/store/store.h"
#include "zeroed_wal.h"

namespace parley::store {
namespace {

Status FromRocksError(const rocksdb::Status& s, const std::string& what) {
  if (s.IsCorruption()) return Status::Corruption(what + ": " + s.ToString());
  return Status::IoError(what + ": " + s.ToString());
}

// `what` names the operation; it is built only when there is an error to report.
template <typename What>
Status FromRocks(const rocksdb::Status& s, What what) {
  if (s.ok()) return Status::Ok();
  return FromRocksError(s, what());
}

rocksdb::Slice ToSlice(ByteView bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

class RocksDbStore : public Store {
 public:
  RocksDbStore(std::unique_ptr<rocksdb::Env> env, std::unique_ptr<rocksdb::DB> db, std::string path,
               bool sync)
      : env_(std::move(env)), db_(std::move(db)), path_(std::move(path)) {
    write_options_.sync = sync;
  }

  Result<Bytes> Get(std::string_view key) const override {
    std::string value;
    rocksdb::Status s =
        db_->Get(rocksdb::ReadOptions(), rocksdb::Slice(key.data(), key.size()), &value);
    if (s.IsNotFound()) return Status::NotFound("no value at key '" + std::string(key) + "'");
    PARLEY_RETURN_IF_ERROR(FromRocks(s, [&] { return "reading " + path_; }));
    return Bytes(value.begin(), value.end());
  }

  Status Write(const WriteBatch& batch) override {
    rocksdb::WriteBatch rocks_batch;
    for (const auto& [key, value] : batch.ops()) {
      if (value) {
        rocks_batch.Put(key, ToSlice(*value));
      } else {
        rocks_batch.Delete(key);
      }
    }
    return FromRocks(db_->Write(write_options_, &rocks_batch), [&] { return "writing " + path_; });
  }

  Status Scan(std::string_view prefix,
              const std::function<void(std::string_view, ByteView)>& visit) const override {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
    rocksdb::Slice start(prefix.data(), prefix.size());
    for (it->Seek(start); it->Valid() && it->key().starts_with(start); it->Next()) {
      rocksdb::Slice k = it->key();
      rocksdb::Slice v = it->value();
      visit(std::string_view(k.data(), k.size()),
            ByteView(reinterpret_cast<const uint8_t*>(v.data()), v.size()));
    }
    return FromRocks(it->status(), [&] { return "scanning " + path_; });
  }

 private:
  std::unique_ptr<rocksdb::Env> env_;  // null for the default; outlives the database
  std::unique_ptr<rocksdb::DB> db_;
  std::string path_;
  rocksdb::WriteOptions write_options_;
};

}  // namespace

Result<std::unique_ptr<Store>> OpenRocksDb(const std::string& path, const RocksDbOptions& options) {
  rocksdb::Options rocks_options;
  rocks_options.create_if_missing = options.create_if_missing;
  std::unique_ptr<rocksdb::Env> own_env;
  if (options.env != nullptr) {
    rocks_options.env = options.env;
  } else if (options.sync) {  // synced writes cost less over zeros (zeroed_wal.h)
    own_env = rocksdb::NewCompositeEnv(NewZeroedWalFileSystem(rocksdb::FileSystem::Default()));
    rocks_options.env = own_env.get();
  }
  // Many threads write small records, each synced; RocksDB groups them under
  // one leader and one disk flush. With the leader filling the memtable alone
  // and waiters sleeping rather than spinning, a group costs a third less
  // CPU on a small machine (measured: 28 -> 18 us per synced put, 64 writers).
  rocks_options.allow_concurrent_memtable_write = false;
  rocks_options.enable_write_thread_adaptive_yield = false;
  rocksdb::DB* db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(rocks_options, path, &db);
  if (!s.ok()) return FromRocksError(s, "cannot open the database in " + path);
  return std::unique_ptr<Store>(std::make_unique<RocksDbStore>(
      std::move(own_env), std::unique_ptr<rocksdb::DB>(db), path, options.sync));
}

}  // namespace parley::store
