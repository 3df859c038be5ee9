// What the tower keeps per channel, and its bytes in the store:
//   key   "tower/channel/<lower-case hex id>"
//   value u8(1) Params SignedState count(clients) {33-byte key}* refuted(u64)
// (canonical encodings, channel/encoding.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "parley/channel/types.h"
#include "parley/crypto/keys.h"

namespace parley::watchtower {

struct TowerRecord {
  channel::Params params;
  channel::SignedState latest;             // the highest fully signed version handed over
  std::vector<crypto::PublicKey> clients;  // who handed it over; each pays quota for it
  uint64_t refuted_version = 0;            // the last stale registration refuted, 0 if none

  bool operator==(const TowerRecord&) const = default;
};

inline constexpr std::string_view kRecordPrefix = "tower/channel/";
std::string RecordKey(const channel::ChannelId& id);

Bytes EncodeRecord(const TowerRecord& record);
// Corruption if the bytes do not decode.
Result<TowerRecord> DecodeRecord(ByteView bytes);

}  // namespace parley::watchtower
