#include "statechain/statechain_test_util.h"

#include <utility>

#include "parley/crypto/random.h"
#include "parley/crypto/two_party_schnorr.h"

namespace parley::settlement::statechain::testing {

namespace two_party = crypto::two_party;

StatechainTest::StatechainTest(OperatorOptions options)
    : options_(std::move(options)),
      store_(store::NewMemoryStore()),
      operator_(*store_, ledger_, options_) {}

std::unique_ptr<Wallet> StatechainTest::NewWallet(WalletKeys keys) {
  return std::make_unique<Wallet>(operator_, ledger_, std::move(keys),
                                  ReceiverPolicy{.protocol = options_.protocol});
}

CoinId StatechainTest::Deposit(Wallet& wallet) {
  Result<DepositInfo> deposit = wallet.BeginDeposit();
  EXPECT_TRUE(deposit.ok()) << deposit.status().ToString();
  // An ordinary wallet's funding transaction, built but not broadcast yet.
  crypto::Transaction funding;
  funding.inputs.push_back({.prevout = {.txid = crypto::RandomHash32(), .index = 0}});
  funding.outputs.push_back(
      {.amount_sats = kCoinSats,
       .script_pubkey = {deposit->script_pubkey.begin(), deposit->script_pubkey.end()}});
  const crypto::OutPoint outpoint{.txid = crypto::Txid(funding), .index = 0};
  const Status signed_backup =
      wallet.SignFirstBackup(deposit->coin_id, outpoint, kCoinSats, kBackupFeeSats);
  EXPECT_TRUE(signed_backup.ok()) << signed_backup.ToString();
  ledger_.Mint(funding);
  return deposit->coin_id;
}

crypto::PrivateKey StatechainTest::StoredOperatorShare(const CoinId& coin_id) const {
  Result<Bytes> bytes = store_->Get("statechain/share/" + ToHex(coin_id));
  EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
  return crypto::PrivateKey::FromBytes(*bytes).value();
}

Hash32 StatechainTest::OutputKey(const CoinId& coin_id) {
  const CoinInfo info = operator_.GetCoinInfo(coin_id).value();
  return two_party::CoinKey::FromInternalKey(info.coin_key)->output_key();
}

bool SharesSignFor(const crypto::PrivateKey& o, const crypto::PrivateKey& s,
                   const Hash32& output_key, const Hash32& message) {
  two_party::GeneratedNonce owner_nonce = two_party::NonceGen(o, {}).value();
  two_party::GeneratedNonce operator_nonce = two_party::NonceGen(s, {}).value();
  const two_party::Session session{.owner_share = o.public_key(),
                                   .operator_share = s.public_key(),
                                   .owner_nonce = owner_nonce.public_nonce,
                                   .operator_nonce = operator_nonce.public_nonce,
                                   .message = message};
  Result<two_party::PartialSignature> owner =
      two_party::Sign(owner_nonce.secret, o, session, two_party::Party::kOwner);
  Result<two_party::PartialSignature> op =
      two_party::Sign(operator_nonce.secret, s, session, two_party::Party::kOperator);
  if (!owner.ok() || !op.ok()) return false;
  Result<crypto::Signature> signature = two_party::Aggregate(*owner, *op, session);
  return signature.ok() && crypto::SchnorrVerify(output_key, message, *signature);
}

}  // namespace parley::settlement::statechain::testing
