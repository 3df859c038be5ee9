#include "tower_record.h"

#include "parley/channel/encoding.h"
#include "parley/util/codec.h"

namespace parley::watchtower {

namespace {
constexpr uint8_t kFormat = 1;

Status ReadRecord(Reader& r, TowerRecord* record) {
  uint8_t format = 0;
  PARLEY_RETURN_IF_ERROR(r.U8(&format));
  if (format != kFormat) {
    return Status::InvalidArgument("unknown record format " + std::to_string(format));
  }
  PARLEY_RETURN_IF_ERROR(channel::Read(r, &record->params));
  PARLEY_RETURN_IF_ERROR(channel::Read(r, &record->latest));
  uint32_t count = 0;
  PARLEY_RETURN_IF_ERROR(r.Count(channel::kMaxParticipants, &count));
  for (uint32_t i = 0; i < count; ++i) {
    crypto::PublicKey::Encoded bytes;
    PARLEY_RETURN_IF_ERROR(r.Fixed(&bytes));
    PARLEY_ASSIGN_OR_RETURN(auto key, crypto::PublicKey::FromBytes(bytes));
    record->clients.push_back(key);
  }
  PARLEY_RETURN_IF_ERROR(r.U64(&record->refuted_version));
  return r.Finish();
}

}  // namespace

std::string RecordKey(const channel::ChannelId& id) {
  return std::string(kRecordPrefix) + ToHex(id);
}

Bytes EncodeRecord(const TowerRecord& record) {
  Writer w;
  w.U8(kFormat);
  channel::Write(w, record.params);
  channel::Write(w, record.latest);
  w.U32(static_cast<uint32_t>(record.clients.size()));
  for (const auto& client : record.clients) w.Fixed(client.bytes());
  w.U64(record.refuted_version);
  return w.Take();
}

Result<TowerRecord> DecodeRecord(ByteView bytes) {
  Reader r(bytes, "a watchtower record");
  TowerRecord record;
  Status s = ReadRecord(r, &record);
  if (!s.ok()) return Status::Corruption(s.message());
  return record;
}

}  // namespace parley::watchtower
