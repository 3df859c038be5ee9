#include "parley/store/channel_store.h"

#include "parley/channel/encoding.h"

namespace parley::store {
namespace {

constexpr std::string_view kPrefix = "channel/";

std::string Key(const channel::ChannelId& id) { return std::string(kPrefix) + ToHex(id); }

Result<channel::ChannelRecord> DecodeRecord(std::string_view key, ByteView bytes) {
  auto record = channel::Decode<channel::ChannelRecord>(bytes, "channel record");
  if (!record.ok()) {
    return Status::Corruption("stored " + std::string(key) +
                              " does not decode: " + record.status().message());
  }
  return record;
}

}  // namespace

Status ChannelStore::Put(const channel::ChannelRecord& record) {
  return store_.Put(Key(record.latest.state.channel_id), channel::Encode(record));
}

Status ChannelStore::PutAll(const std::vector<channel::ChannelRecord>& records) {
  WriteBatch batch;
  for (const auto& record : records) {
    batch.Put(Key(record.latest.state.channel_id), channel::Encode(record));
  }
  return store_.Write(batch);
}

Result<channel::ChannelRecord> ChannelStore::Get(const channel::ChannelId& id) const {
  auto bytes = store_.Get(Key(id));
  if (!bytes.ok()) {
    if (bytes.status().code() == StatusCode::kNotFound) {
      return Status::NotFound("unknown channel " + ToHex(id));
    }
    return bytes.status();
  }
  PARLEY_ASSIGN_OR_RETURN(auto record, DecodeRecord(Key(id), *bytes));
  if (record.latest.state.channel_id != id) {
    return Status::Corruption("stored " + Key(id) + " holds channel " +
                              ToHex(record.latest.state.channel_id));
  }
  return record;
}

Result<std::vector<channel::ChannelRecord>> ChannelStore::LoadAll() const {
  std::vector<channel::ChannelRecord> records;
  Status first_error;
  PARLEY_RETURN_IF_ERROR(store_.Scan(kPrefix, [&](std::string_view key, ByteView value) {
    auto record = DecodeRecord(key, value);
    if (record.ok()) {
      records.push_back(std::move(record).value());
    } else if (first_error.ok()) {
      first_error = record.status();
    }
  }));
  if (!first_error.ok()) return first_error;
  return records;
}

namespace {

std::string EvidencePrefix(const channel::ChannelId& id) { return "evidence/" + ToHex(id) + "/"; }

}  // namespace

Status ChannelStore::PutEvidence(const channel::SignedState& one,
                                 const channel::SignedState& other) {
  Writer w;
  channel::Write(w, one);
  channel::Write(w, other);
  char version[21];
  std::snprintf(version, sizeof version, "%020llu",
                static_cast<unsigned long long>(one.state.version));
  return store_.Put(EvidencePrefix(one.state.channel_id) + version, w.Take());
}

Result<std::vector<std::pair<channel::SignedState, channel::SignedState>>> ChannelStore::Evidence(
    const channel::ChannelId& id) const {
  std::vector<std::pair<channel::SignedState, channel::SignedState>> out;
  Status error;
  PARLEY_RETURN_IF_ERROR(store_.Scan(EvidencePrefix(id), [&](std::string_view, ByteView value) {
    Reader r(value, "evidence");
    std::pair<channel::SignedState, channel::SignedState> pair;
    Status s = channel::Read(r, &pair.first);
    if (s.ok()) s = channel::Read(r, &pair.second);
    if (s.ok()) s = r.Finish();
    if (s.ok()) {
      out.push_back(std::move(pair));
    } else if (error.ok()) {
      error = Status::Corruption("stored evidence does not decode: " + s.message());
    }
  }));
  if (!error.ok()) return error;
  return out;
}

}  // namespace parley::store
