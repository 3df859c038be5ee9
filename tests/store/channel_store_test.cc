// ChannelStore over an in-memory Store: records round-trip whole, unknown
// ids are NotFound, and stored bytes that do not decode are Corruption. The
// backend data is a trailing field: old records decode with none.
#include "parley/store/channel_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "parley/channel/encoding.h"
#include "parley/channel/scheme.h"
#include "parley/crypto/keys.h"
#include "parley/crypto/random.h"
#include "parley/store/store.h"

namespace parley::store {
namespace {

using channel::Amount;
using channel::ChannelId;
using channel::ChannelRecord;
using channel::Params;
using channel::SignedState;
using channel::State;

std::string StoreKey(const ChannelId& id) { return "channel/" + ToHex(id); }

class ChannelStoreTest : public testing::Test {
 protected:
  ChannelStoreTest()
      : alice_(crypto::PrivateKey::Generate()),
        bob_(crypto::PrivateKey::Generate()),
        store_(NewMemoryStore()),
        channels_(*store_) {}

  // A record of a fresh channel (random nonce) at `version`, signed by both
  // participants, with real keys and the id the sim scheme gives its params.
  ChannelRecord MakeRecord(uint64_t version, bool with_pending, bool with_last_signed) {
    ChannelRecord record;
    Params& params = record.params;
    params.participants = {alice_.public_key(), bob_.public_key()};
    params.nonce = crypto::RandomHash32();
    params.challenge_duration = 100;
    params.app = "payment";
    params.backend = "sim";
    ChannelId id = scheme_.ComputeChannelId(params);

    State state;
    state.channel_id = id;
    state.version = version;
    state.allocation.assets.push_back({"native", {Amount(60), Amount(40)}, {}});
    state.app_data = {0x00, 0x01, 0x00};
    record.latest = Sign(state, /*both=*/true);
    record.self = 1;
    record.phase = channel::Phase::kOpen;
    record.current_version = version;

    if (with_pending) {
      State next = state;
      next.version = version + 1;
      next.allocation.assets[0].balances = {Amount(50), Amount(50)};
      State after_next = next;  // pipelined: a second proposal built on the first
      after_next.version = version + 2;
      after_next.allocation.assets[0].balances = {Amount(40), Amount(60)};
      record.pending = {Sign(next, /*both=*/false), Sign(after_next, /*both=*/false)};
    }
    if (with_last_signed) record.last_signed_version = version + (with_pending ? 2 : 0);
    return record;
  }

  SignedState Sign(const State& state, bool both) {
    Hash32 hash = scheme_.StateHash(state);
    SignedState signed_state{state, {scheme_.Sign(alice_, hash), std::nullopt}};
    if (both) signed_state.sigs[1] = scheme_.Sign(bob_, hash);
    return signed_state;
  }

  // Puts `record`, reads it back by its id and expects it unchanged.
  void ExpectRoundTrip(const ChannelRecord& record) {
    ASSERT_TRUE(channels_.Put(record).ok());
    auto got = channels_.Get(record.latest.state.channel_id);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(*got, record);
    EXPECT_EQ(got->pending.size(), record.pending.size());
    EXPECT_EQ(got->last_signed_version, record.last_signed_version);
  }

  channel::Bip340Scheme scheme_;
  crypto::PrivateKey alice_;
  crypto::PrivateKey bob_;
  std::unique_ptr<Store> store_;
  ChannelStore channels_;
};

TEST_F(ChannelStoreTest, RoundTripWithPendingAndLastSignedVersion) {
  ChannelRecord record = MakeRecord(7, /*with_pending=*/true, /*with_last_signed=*/true);
  ASSERT_EQ(record.pending.size(), 2u);
  ASSERT_EQ(record.last_signed_version, 9u);
  ExpectRoundTrip(record);
}

TEST_F(ChannelStoreTest, RoundTripWithoutPendingOrLastSignedVersion) {
  ExpectRoundTrip(MakeRecord(3, /*with_pending=*/false, /*with_last_signed=*/false));
}

TEST_F(ChannelStoreTest, RoundTripWithPendingOnly) {
  ExpectRoundTrip(MakeRecord(3, /*with_pending=*/true, /*with_last_signed=*/false));
}

TEST_F(ChannelStoreTest, RoundTripWithLastSignedVersionOnly) {
  ExpectRoundTrip(MakeRecord(3, /*with_pending=*/false, /*with_last_signed=*/true));
}

// A guard at version 0 is distinct from no guard.
TEST_F(ChannelStoreTest, LastSignedVersionZeroIsNotLost) {
  ChannelRecord record = MakeRecord(0, /*with_pending=*/false, /*with_last_signed=*/true);
  record.phase = channel::Phase::kProposing;
  ASSERT_EQ(record.last_signed_version, 0u);
  ExpectRoundTrip(record);
}

TEST_F(ChannelStoreTest, RecordIsStoredUnderChannelSlashHexId) {
  ChannelRecord record = MakeRecord(1, false, false);
  ASSERT_TRUE(channels_.Put(record).ok());
  auto raw = store_->Get(StoreKey(record.latest.state.channel_id));
  ASSERT_TRUE(raw.ok()) << raw.status().ToString();
  EXPECT_EQ(*raw, channel::Encode(record));
}

TEST_F(ChannelStoreTest, PutReplacesTheRecordOfTheSameChannel) {
  ChannelRecord record = MakeRecord(1, false, false);
  ASSERT_TRUE(channels_.Put(record).ok());
  record.phase = channel::Phase::kDisputed;
  record.last_signed_version = 5;
  ASSERT_TRUE(channels_.Put(record).ok());

  auto got = channels_.Get(record.latest.state.channel_id);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, record);
  auto all = channels_.LoadAll();
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(all->size(), 1u);
}

TEST_F(ChannelStoreTest, GetOfUnknownIdIsNotFoundNamingTheId) {
  ASSERT_TRUE(channels_.Put(MakeRecord(1, false, false)).ok());
  ChannelId unknown = crypto::RandomHash32();
  auto got = channels_.Get(unknown);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kNotFound) << got.status().ToString();
  EXPECT_NE(got.status().message().find(ToHex(unknown)), std::string::npos)
      << got.status().message();
}

TEST_F(ChannelStoreTest, LoadAllOfEmptyStoreIsEmpty) {
  auto all = channels_.LoadAll();
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_TRUE(all->empty());
}

TEST_F(ChannelStoreTest, LoadAllReturnsEveryRecord) {
  std::map<ChannelId, ChannelRecord> want;
  for (int i = 0; i < 5; ++i) {
    ChannelRecord record = MakeRecord(i, /*with_pending=*/i % 2 == 0, /*with_last_signed=*/i > 2);
    ASSERT_TRUE(channels_.Put(record).ok());
    want.emplace(record.latest.state.channel_id, record);
  }
  ASSERT_EQ(want.size(), 5u) << "channel ids should be distinct";
  // Keys outside the "channel/" prefix are not channel records.
  ASSERT_TRUE(store_->Put("channel", Bytes{0xde, 0xad}).ok());
  ASSERT_TRUE(store_->Put("channels", Bytes{0xde, 0xad}).ok());
  ASSERT_TRUE(store_->Put("ledger/x", Bytes{0xde, 0xad}).ok());

  auto all = channels_.LoadAll();
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), want.size());
  std::map<ChannelId, ChannelRecord> got;
  for (const ChannelRecord& record : *all) got.emplace(record.latest.state.channel_id, record);
  EXPECT_EQ(got, want);
}

TEST_F(ChannelStoreTest, RoundTripWithBackendData) {
  ChannelRecord record = MakeRecord(5, /*with_pending=*/true, /*with_last_signed=*/true);
  record.backend_data = {0x01, 0x02, 0x03, 0x00, 0xff};
  ExpectRoundTrip(record);
}

// The backend data is a trailing field written only when there is some: a
// record written before it existed is the same bytes as one without data,
// and decodes with none.
TEST_F(ChannelStoreTest, BackendDataIsATrailingFieldOldRecordsDecodeWithout) {
  ChannelRecord old_record = MakeRecord(5, /*with_pending=*/false, /*with_last_signed=*/true);
  ChannelRecord with_data = old_record;
  with_data.backend_data = Bytes(300, 0xab);

  Writer w;
  w.Raw(channel::Encode(old_record));
  w.Var(with_data.backend_data);
  EXPECT_EQ(channel::Encode(with_data), w.bytes());

  ASSERT_TRUE(
      store_->Put(StoreKey(old_record.latest.state.channel_id), channel::Encode(old_record)).ok());
  auto got = channels_.Get(old_record.latest.state.channel_id);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_TRUE(got->backend_data.empty());
  EXPECT_EQ(*got, old_record);
}

// One record, one encoding: an empty data field is not written, so one in
// the bytes is refused; so is data beyond the limit.
TEST_F(ChannelStoreTest, BackendDataThatIsEmptyOrTooLargeIsCorruption) {
  ChannelRecord record = MakeRecord(5, /*with_pending=*/false, /*with_last_signed=*/false);
  const ChannelId id = record.latest.state.channel_id;
  Writer empty_field;
  empty_field.Raw(channel::Encode(record));
  empty_field.U32(0);
  Writer too_large;
  too_large.Raw(channel::Encode(record));
  too_large.Var(Bytes(channel::kMaxBackendDataSize + 1, 0x01));
  for (const Bytes& bytes : {empty_field.bytes(), too_large.bytes()}) {
    ASSERT_TRUE(store_->Put(StoreKey(id), bytes).ok());
    auto got = channels_.Get(id);
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.status().code(), StatusCode::kCorruption) << got.status().ToString();
  }
}

class CorruptRecordTest : public ChannelStoreTest, public testing::WithParamInterface<const char*> {
 protected:
  // Bytes that must not decode as a record; `good` is a valid encoding.
  Bytes Corrupt(const Bytes& good) const {
    std::string kind = GetParam();
    if (kind == "garbage") return Bytes{0xde, 0xad, 0xbe, 0xef, 0x00, 0xff, 0x13};
    if (kind == "empty") return Bytes{};
    if (kind == "truncated") return Bytes(good.begin(), good.end() - 1);
    if (kind == "trailing") {
      Bytes out = good;
      out.push_back(0);
      return out;
    }
    if (kind == "huge_count") {  // the participant count says 2^32-1
      Bytes out = good;
      std::fill(out.begin(), out.begin() + 4, 0xff);
      return out;
    }
    ADD_FAILURE() << "unknown kind " << kind;
    return good;
  }
};

TEST_P(CorruptRecordTest, GetAndLoadAllReturnCorruption) {
  ChannelRecord good = MakeRecord(2, true, true);
  ChannelRecord bad = MakeRecord(4, false, false);
  const ChannelId bad_id = bad.latest.state.channel_id;
  ASSERT_TRUE(channels_.Put(good).ok());
  ASSERT_TRUE(store_->Put(StoreKey(bad_id), Corrupt(channel::Encode(bad))).ok());

  auto got = channels_.Get(bad_id);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kCorruption) << got.status().ToString();
  EXPECT_NE(got.status().message().find(ToHex(bad_id)), std::string::npos)
      << "the message should name the record: " << got.status().message();

  auto all = channels_.LoadAll();
  ASSERT_FALSE(all.ok());
  EXPECT_EQ(all.status().code(), StatusCode::kCorruption) << all.status().ToString();

  // The intact record is still readable on its own.
  auto intact = channels_.Get(good.latest.state.channel_id);
  ASSERT_TRUE(intact.ok()) << intact.status().ToString();
  EXPECT_EQ(*intact, good);
}

INSTANTIATE_TEST_SUITE_P(Kinds, CorruptRecordTest,
                         testing::Values("garbage", "empty", "truncated", "trailing", "huge_count"),
                         [](const testing::TestParamInfo<const char*>& param_info) {
                           return std::string(param_info.param);
                         });

}  // namespace
}  // namespace parley::store
