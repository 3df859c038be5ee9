// Store: the durable key-value map under a node's channels and the sim
// ledger. Keys are strings, values bytes; a WriteBatch is applied atomically.
// Implementations are thread-safe.
//
// Durability: once Write returns OK on a store opened with sync on, the batch
// survives the process being killed and the machine losing power. With sync
// off it survives a killed process, not a power loss.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "parley/util/bytes.h"
#include "parley/util/status.h"

namespace rocksdb {
class Env;
}  // namespace rocksdb

namespace parley::store {

class WriteBatch {
 public:
  void Put(std::string key, Bytes value) { ops_.emplace_back(std::move(key), std::move(value)); }
  void Delete(std::string key) { ops_.emplace_back(std::move(key), std::nullopt); }
  bool empty() const { return ops_.empty(); }

  // Each key with its new value, or nullopt for a delete, in order.
  const std::vector<std::pair<std::string, std::optional<Bytes>>>& ops() const { return ops_; }

 private:
  std::vector<std::pair<std::string, std::optional<Bytes>>> ops_;
};

class Store {
 public:
  virtual ~Store() = default;

  // The value at `key`, or NotFound.
  virtual Result<Bytes> Get(std::string_view key) const = 0;
  // Applies every operation of `batch` or none.
  virtual Status Write(const WriteBatch& batch) = 0;
  // Calls `visit` for every key starting with `prefix`, in key order.
  // `visit` must not call back into the store.
  virtual Status Scan(
      std::string_view prefix,
      const std::function<void(std::string_view key, ByteView value)>& visit) const = 0;

  Status Put(std::string key, Bytes value) {
    WriteBatch batch;
    batch.Put(std::move(key), std::move(value));
    return Write(batch);
  }
};

struct RocksDbOptions {
  // Make the directory and the database when they do not exist.
  bool create_if_missing = true;
  // fsync the write-ahead log before Write returns (see the durability note
  // above). Concurrent writers share one fsync (RocksDB's group commit).
  bool sync = true;
  // The files' environment; null for RocksDB's default. Tests pass one that
  // fails writes on demand (tests/e2e/faults). Must outlive the store.
  rocksdb::Env* env = nullptr;
};

// Opens the RocksDB database in directory `path`. IoError with RocksDB's
// reason if it can't (for example, another process holds its lock).
Result<std::unique_ptr<Store>> OpenRocksDb(const std::string& path,
                                           const RocksDbOptions& options = {});

// A store that lives in memory and is gone with the process. For tests and
// benchmarks.
std::unique_ptr<Store> NewMemoryStore();

}  // namespace parley::store
