#include <map>
#include <mutex>

#include "parley/store/store.h"

namespace parley::store {
namespace {

class MemoryStore : public Store {
 public:
  Result<Bytes> Get(std::string_view key) const override {
    std::lock_guard lock(mutex_);
    auto it = map_.find(key);
    if (it == map_.end()) return Status::NotFound("no value at key '" + std::string(key) + "'");
    return it->second;
  }

  Status Write(const WriteBatch& batch) override {
    std::lock_guard lock(mutex_);
    for (const auto& [key, value] : batch.ops()) {
      if (value) {
        map_.insert_or_assign(key, *value);
      } else {
        map_.erase(key);
      }
    }
    return Status::Ok();
  }

  Status Scan(std::string_view prefix,
              const std::function<void(std::string_view, ByteView)>& visit) const override {
    std::lock_guard lock(mutex_);
    for (auto it = map_.lower_bound(prefix); it != map_.end() && it->first.starts_with(prefix);
         ++it) {
      visit(it->first, it->second);
    }
    return Status::Ok();
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, Bytes, std::less<>> map_;
};

}  // namespace

std::unique_ptr<Store> NewMemoryStore() { return std::make_unique<MemoryStore>(); }

}  // namespace parley::store
