// ChannelStore: a node's channel records in a Store, one key per channel
// ("channel/<hex id>"), each written whole and atomically.
#pragma once

#include <vector>

#include "parley/channel/channel.h"
#include "parley/store/store.h"

namespace parley::store {

class ChannelStore {
 public:
  explicit ChannelStore(Store& store) : store_(store) {}

  // Durable when it returns OK (as the Store's options say).
  Status Put(const channel::ChannelRecord& record);
  // Writes every record or none, in one write.
  Status PutAll(const std::vector<channel::ChannelRecord>& records);
  // NotFound for an unknown channel; Corruption if the bytes do not decode.
  Result<channel::ChannelRecord> Get(const channel::ChannelId& id) const;
  Result<std::vector<channel::ChannelRecord>> LoadAll() const;

  // Keeps two different fully signed states of one channel and version, as
  // evidence that a participant signed twice ("evidence/<id>/<version>").
  Status PutEvidence(const channel::SignedState& one, const channel::SignedState& other);
  // Every pair kept, oldest version first.
  Result<std::vector<std::pair<channel::SignedState, channel::SignedState>>> Evidence(
      const channel::ChannelId& id) const;

 private:
  Store& store_;
};

}  // namespace parley::store
