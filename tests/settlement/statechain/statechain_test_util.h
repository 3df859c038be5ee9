// A statechain world for tests: a memory store, a fake ledger, an operator
// and wallets, with a helper that deposits a coin.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "parley/crypto/keys.h"
#include "parley/settlement/statechain/operator.h"
#include "parley/settlement/statechain/wallet.h"
#include "parley/store/store.h"
#include "statechain/fake_ledger.h"

namespace parley::settlement::statechain::testing {

inline constexpr int64_t kCoinSats = 1'000'000;
inline constexpr int64_t kBackupFeeSats = 500;

class StatechainTest : public ::testing::Test {
 protected:
  explicit StatechainTest(OperatorOptions options = {});

  std::unique_ptr<Wallet> NewWallet(WalletKeys keys = WalletKeys::Generate());
  // A coin of kCoinSats held by `wallet`, funded after its first backup is
  // signed.
  CoinId Deposit(Wallet& wallet);
  // The operator's share of the coin as it is stored.
  crypto::PrivateKey StoredOperatorShare(const CoinId& coin_id) const;
  Hash32 OutputKey(const CoinId& coin_id);

  OperatorOptions options_;
  std::unique_ptr<store::Store> store_;
  FakeLedger ledger_;
  Operator operator_;
};

// Runs the whole two-party protocol on `message` with shares `o` and `s` and
// says whether the result verifies under `output_key`.
bool SharesSignFor(const crypto::PrivateKey& o, const crypto::PrivateKey& s,
                   const Hash32& output_key, const Hash32& message);

}  // namespace parley::settlement::statechain::testing
