// The sim ledger at its limits: whatever it accepts, it can store and load
// again.
#include "sim_ledger_fixture.h"

namespace parley::settlement {
namespace {

using testing::HasSubstr;

// ---------------------------------------------------------------------------
// Limits: whatever the ledger accepts, it can store and load again. The
// loader enforces channel::kMaxNameLength, kMaxAssets and kMaxAppDataSize, so
// the operations refuse anything beyond them.

TEST_F(SimLedgerTest, MintAndDepositRefuseAssetNamesBeyondTheLimit) {
  TestChannel ch = MakeChannel();
  const std::string too_long(100, 'x');
  Status mint = ledger_->Mint(alice_.public_key(), too_long, 10);
  EXPECT_CODE(mint, StatusCode::kInvalidArgument);
  EXPECT_THAT(mint.message(), HasSubstr(std::to_string(channel::kMaxNameLength)));
  EXPECT_EQ(ledger_->Balance(alice_.public_key(), too_long), 0);
  Status deposit = ledger_->Deposit(alice_.public_key(), ch.params, 0, too_long, 10);
  EXPECT_CODE(deposit, StatusCode::kInvalidArgument);
  EXPECT_THAT(deposit.message(), HasSubstr(std::to_string(channel::kMaxNameLength)));
  EXPECT_CODE(ledger_->Mint(alice_.public_key(), "", 10), StatusCode::kInvalidArgument);
  EXPECT_CODE(ledger_->Deposit(alice_.public_key(), ch.params, 0, "", 10),
              StatusCode::kInvalidArgument);
  EXPECT_EQ(ledger_->Balance(alice_.public_key(), ""), 0);

  // A name of exactly the limit is fine.
  const std::string longest(channel::kMaxNameLength, 'y');
  ASSERT_OK(ledger_->Mint(alice_.public_key(), longest, 10));
  ASSERT_OK(ledger_->Deposit(alice_.public_key(), ch.params, 0, longest, 10));
  ASSERT_NO_FATAL_FAILURE(Reopen());
  auto d = ledger_->Deposits(ch.params, longest);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(*d, (std::vector<Amount>{10, 0}));
  EXPECT_EQ(ledger_->Balance(alice_.public_key(), too_long), 0);
}

TEST_F(SimLedgerTest, DepositRefusesAChannelMoreThanTheMaximumNumberOfAssets) {
  TestChannel ch = MakeChannel();
  const crypto::PublicKey& a = alice_.public_key();
  std::vector<std::string> assets;
  for (size_t i = 0; i <= channel::kMaxAssets; ++i) {
    assets.push_back("asset" + std::to_string(i));
    ASSERT_OK(ledger_->Mint(a, assets.back(), 10));
  }
  for (size_t i = 0; i < channel::kMaxAssets; ++i) {
    ASSERT_OK(ledger_->Deposit(a, ch.params, 0, assets[i], 5));
  }
  const std::string& one_too_many = assets[channel::kMaxAssets];
  Status s = ledger_->Deposit(a, ch.params, 1, one_too_many, 5);
  EXPECT_CODE(s, StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr(std::to_string(channel::kMaxAssets)));
  EXPECT_EQ(Bal(alice_, one_too_many), 10);
  auto d = ledger_->Deposits(ch.params, one_too_many);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, (std::vector<Amount>{0, 0}));
  // More of an asset the channel already holds is fine, for any participant.
  ASSERT_OK(ledger_->Deposit(a, ch.params, 1, assets[0], 5));

  ASSERT_NO_FATAL_FAILURE(Reopen());
  d = ledger_->Deposits(ch.params, assets[0]);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, (std::vector<Amount>{5, 5}));
  EXPECT_EQ(Bal(alice_, one_too_many), 10);
  // The channel settles all its assets: the allocated one as allocated, the
  // others back to their depositor.
  State st;
  st.channel_id = ch.id;
  st.version = 1;
  st.allocation.assets.push_back({assets[0], {5, 5}, {}});
  st.is_final = true;
  ASSERT_OK(ledger_->Register(ch.params, SignAll(ch, st)));
  ASSERT_OK(ledger_->Conclude(ch.params));
  ASSERT_OK(ledger_->Withdraw(ch.params, 0));
  ASSERT_OK(ledger_->Withdraw(ch.params, 1));
  ASSERT_NO_FATAL_FAILURE(Reopen());
  EXPECT_EQ(Bal(alice_, assets[0]), 5);
  EXPECT_EQ(Bal(bob_, assets[0]), 5);
  for (size_t i = 1; i <= channel::kMaxAssets; ++i) EXPECT_EQ(Bal(alice_, assets[i]), 10);
}

TEST_F(SimLedgerTest, ZeroMintsAndDepositsAreRefused) {
  EXPECT_CODE(ledger_->Mint(alice_.public_key(), kNative, 0), StatusCode::kInvalidArgument);
  ASSERT_OK(ledger_->Mint(alice_.public_key(), kNative, 10));
  TestChannel ch = MakeChannel();
  EXPECT_CODE(ledger_->Deposit(alice_.public_key(), ch.params, 0, kNative, 0),
              StatusCode::kInvalidArgument);
  EXPECT_EQ(Bal(alice_), 10);
  // The refused deposit did not bring the channel onto the ledger.
  EXPECT_CODE(store_->Get(ChannelKey(ch)).status(), StatusCode::kNotFound);
  EXPECT_CODE(store_->Get("ledger/supply/gold").status(), StatusCode::kNotFound);
  EXPECT_CODE(ledger_->Mint(alice_.public_key(), kGold, 0), StatusCode::kInvalidArgument);
  EXPECT_CODE(store_->Get("ledger/supply/gold").status(), StatusCode::kNotFound);
}

// A state's app data beyond kMaxAppDataSize cannot be stored, so neither
// Register nor Progress takes it.
TEST_F(SimLedgerTest, RegisterAndProgressRefuseAppDataBeyondTheLimit) {
  ASSERT_OK(apps_.Register(std::make_shared<AnythingGoesApp>()));
  TestChannel ch = MakeChannel(alice_, bob_, AnythingGoesApp::kId);
  ASSERT_NO_FATAL_FAILURE(Fund(ch, 10, 10));
  State v1 = PaymentState(ch, 1, 10, 10);
  v1.app_data = Bytes(channel::kMaxAppDataSize + 1, 7);
  Status s = ledger_->Register(ch.params, SignAll(ch, v1));
  EXPECT_CODE(s, StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr(std::to_string(channel::kMaxAppDataSize)));
  EXPECT_CODE(ledger_->GetDispute(ch.id).status(), StatusCode::kNotFound);
  v1.app_data.resize(channel::kMaxAppDataSize);
  ASSERT_OK(ledger_->Register(ch.params, SignAll(ch, v1)));

  ASSERT_OK(ledger_->Advance(kDuration));
  State v2 = PaymentState(ch, 2, 5, 15);
  v2.app_data = Bytes(channel::kMaxAppDataSize + 1, 8);
  EXPECT_CODE(ledger_->Progress(ch.params, SignBy(ch, v2, {1}), 1), StatusCode::kInvalidArgument);
  v2.app_data.resize(channel::kMaxAppDataSize);
  ASSERT_OK(ledger_->Progress(ch.params, SignBy(ch, v2, {1}), 1));
  ASSERT_NO_FATAL_FAILURE(Reopen());
  auto d = ledger_->GetDispute(ch.id);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->state.state, v2);
}

// What the ledger accepts it loads again: after a batch of operations at the
// limits, and refused ones beyond them, the ledger reopens from RocksDB.
TEST_F(SimLedgerTest, AfterOperationsAtTheLimitsTheLedgerReopensFromRocksDb) {
  TempDir dir("parley_sim_ledger_limits_");
  const std::string path = (dir.path() / "ledger").string();
  auto db = store::OpenRocksDb(path);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  ledger_.reset();
  {
    auto l = SimLedger::Open(**db, apps_);
    ASSERT_TRUE(l.ok()) << l.status().ToString();
    ledger_ = std::move(l).value();
  }
  const crypto::PublicKey& a = alice_.public_key();
  const crypto::PublicKey& b = bob_.public_key();
  const std::string too_long(100, 'z');
  TestChannel ch = MakeChannel();
  TestChannel other = MakeChannel(bob_, alice_);

  // Beyond the limits: refused.
  EXPECT_CODE(ledger_->Mint(a, too_long, 1), StatusCode::kInvalidArgument);
  ASSERT_OK(ledger_->Mint(a, kNative, 1000));
  EXPECT_CODE(ledger_->Deposit(a, ch.params, 0, too_long, 1), StatusCode::kInvalidArgument);
  EXPECT_CODE(ledger_->Deposit(a, ch.params, 0, kNative, 0), StatusCode::kInvalidArgument);

  // At the limits: kMaxAssets assets with names of kMaxNameLength bytes.
  std::vector<std::string> assets;
  for (size_t i = 0; i <= channel::kMaxAssets; ++i) {
    assets.push_back(std::string(channel::kMaxNameLength, static_cast<char>('a' + i)));
    ASSERT_OK(ledger_->Mint(a, assets.back(), 100));
    ASSERT_OK(ledger_->Mint(b, assets.back(), 100));
  }
  for (size_t i = 0; i < channel::kMaxAssets; ++i) {
    ASSERT_OK(ledger_->Deposit(a, ch.params, 0, assets[i], 10 + i));
    ASSERT_OK(ledger_->Deposit(b, ch.params, 1, assets[i], 20 + i));
  }
  EXPECT_CODE(ledger_->Deposit(a, ch.params, 0, assets[channel::kMaxAssets], 1),
              StatusCode::kInvalidArgument);
  EXPECT_CODE(ledger_->Deposit(b, ch.params, 1, too_long, 1), StatusCode::kInvalidArgument);
  // A second channel, registered and in its dispute phase.
  ASSERT_OK(ledger_->Deposit(a, other.params, 1, kNative, 30));
  ASSERT_OK(ledger_->Register(other.params, SignAll(other, PaymentState(other, 3, 10, 20))));
  ASSERT_OK(ledger_->Advance(4));

  const std::vector<crypto::PublicKey> accounts = {a, b};
  auto balances = [&] {
    std::vector<Amount> out;
    for (const auto& account : accounts) {
      for (const auto& asset : assets) out.push_back(ledger_->Balance(account, asset));
      out.push_back(ledger_->Balance(account, kNative));
      out.push_back(ledger_->Balance(account, too_long));
    }
    return out;
  };
  auto deposits = [&] {
    std::vector<std::vector<Amount>> out;
    for (const auto& asset : assets) {
      auto d = ledger_->Deposits(ch.params, asset);
      out.push_back(d.ok() ? *d : std::vector<Amount>{});
    }
    auto d = ledger_->Deposits(other.params, kNative);
    out.push_back(d.ok() ? *d : std::vector<Amount>{});
    return out;
  };
  const std::vector<Amount> balances_before = balances();
  const std::vector<std::vector<Amount>> deposits_before = deposits();
  auto dispute_before = ledger_->GetDispute(other.id);
  ASSERT_TRUE(dispute_before.ok());

  ledger_.reset();
  db->reset();
  db = store::OpenRocksDb(path);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  {
    auto l = SimLedger::Open(**db, apps_);
    ASSERT_TRUE(l.ok()) << "the ledger does not reopen: " << l.status().ToString();
    ledger_ = std::move(l).value();
  }
  EXPECT_EQ(ledger_->Now(), 4u);
  EXPECT_EQ(balances(), balances_before);
  EXPECT_EQ(deposits(), deposits_before);
  auto dispute_after = ledger_->GetDispute(other.id);
  ASSERT_TRUE(dispute_after.ok());
  EXPECT_TRUE(*dispute_after == *dispute_before);
  EXPECT_EQ(deposits_before[0], (std::vector<Amount>{10, 20}));
  EXPECT_EQ(ledger_->Balance(a, too_long), 0);
  ledger_.reset();  // before the store it uses
}

}  // namespace
}  // namespace parley::settlement
