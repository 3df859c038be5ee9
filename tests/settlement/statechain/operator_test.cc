// The operator's security rules: a nonce signs once, every request needs a
// fresh challenge signed by the right key, transfers stop before the lock
// times run out, the signature count exposes extra signatures, and a refused
// request changes nothing.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "parley/crypto/key_arithmetic.h"
#include "parley/crypto/random.h"
#include "parley/crypto/two_party_schnorr.h"
#include "statechain/statechain_test_util.h"

namespace parley::settlement::statechain::testing {
namespace {

namespace two_party = crypto::two_party;
using std::chrono::seconds;

constexpr uint32_t kInitlock = 300;
constexpr uint32_t kInterval = 100;

class OperatorTest : public StatechainTest {
 protected:
  OperatorTest()
      : StatechainTest({.protocol = {.initlock = kInitlock, .interval = kInterval},
                        .challenge_lifetime = seconds(60),
                        .now = [this] { return now_; }}) {}

  Auth Sign(const crypto::PrivateKey& key, ByteView payload) {
    return Authorize(key, operator_.NewChallenge().value(), payload);
  }

  // A coin deposited by hand, so the test holds the owner's keys.
  CoinId DepositDirectly() {
    DepositRequest request{
        .auth_key = auth_.public_key(),
        .owner_share = share_.public_key(),
        .share_proof = two_party::ProveShare(share_, DepositProofContext(auth_.public_key()))};
    request.auth = Sign(auth_, AuthPayload(request));
    Result<DepositResponse> response = operator_.DepositInit(request);
    EXPECT_TRUE(response.ok()) << response.status().ToString();
    return response->coin_id;
  }

  SignRequest SignRequestFor(const CoinId& coin_id, const Hash32& nonce_id, const Hash32& message) {
    const two_party::GeneratedNonce nonce = two_party::NonceGen(share_, {}).value();
    SignRequest request{.coin_id = coin_id,
                        .nonce_id = nonce_id,
                        .owner_nonce = nonce.public_nonce,
                        .message = message};
    request.auth = Sign(auth_, AuthPayload(request));
    return request;
  }

  Hash32 NewNonce(const CoinId& coin_id) {
    NonceRequest request{.coin_id = coin_id};
    request.auth = Sign(auth_, AuthPayload(request));
    return operator_.NonceCommit(request).value().nonce_id;
  }

  std::chrono::steady_clock::time_point now_{};
  const crypto::PrivateKey auth_ = crypto::PrivateKey::Generate();
  const crypto::PrivateKey share_ = crypto::PrivateKey::Generate();
};

TEST_F(OperatorTest, NonceSignsOnlyOnce) {
  const CoinId coin_id = DepositDirectly();
  const Hash32 nonce_id = NewNonce(coin_id);
  ASSERT_TRUE(
      operator_.PartialSign(SignRequestFor(coin_id, nonce_id, crypto::RandomHash32())).ok());
  // A second challenge with the same nonce would give away the share.
  const Status again =
      operator_.PartialSign(SignRequestFor(coin_id, nonce_id, crypto::RandomHash32())).status();
  EXPECT_EQ(again.code(), StatusCode::kFailedPrecondition) << again.ToString();
  EXPECT_NE(again.message().find("has already signed"), std::string::npos);
  EXPECT_EQ(operator_.SignatureCount(coin_id).value(), 1u);
  // A nonce the operator never issued is refused too.
  EXPECT_EQ(
      operator_.PartialSign(SignRequestFor(coin_id, crypto::RandomHash32(), {})).status().code(),
      StatusCode::kNotFound);
}

TEST_F(OperatorTest, ChallengesAreFreshSingleUseAndExpire) {
  const CoinId coin_id = DepositDirectly();
  NonceRequest request{.coin_id = coin_id};
  request.auth = Sign(auth_, AuthPayload(request));
  ASSERT_TRUE(operator_.NonceCommit(request).ok());
  // The same signed request again: its challenge is spent.
  Status replay = operator_.NonceCommit(request).status();
  EXPECT_EQ(replay.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(replay.message().find("already spent"), std::string::npos) << replay.ToString();

  // A challenge the operator never issued.
  request.auth = Authorize(auth_, crypto::RandomHash32(), AuthPayload(request));
  EXPECT_EQ(operator_.NonceCommit(request).status().code(), StatusCode::kPermissionDenied);

  // A stale one.
  request.auth = Sign(auth_, AuthPayload(request));
  now_ += seconds(61);
  Status stale = operator_.NonceCommit(request).status();
  EXPECT_EQ(stale.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(stale.message().find("expired"), std::string::npos) << stale.ToString();

  // A signature by someone else leaves the challenge for its rightful user.
  const Hash32 challenge = operator_.NewChallenge().value();
  request.auth = Authorize(crypto::PrivateKey::Generate(), challenge, AuthPayload(request));
  EXPECT_EQ(operator_.NonceCommit(request).status().code(), StatusCode::kPermissionDenied);
  request.auth = Authorize(auth_, challenge, AuthPayload(request));
  EXPECT_TRUE(operator_.NonceCommit(request).ok());

  // A signature for one request does not pass for another.
  WithdrawRequest withdraw{.coin_id = coin_id};
  withdraw.auth = Sign(auth_, AuthPayload(request));
  EXPECT_EQ(operator_.Withdraw(withdraw).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(operator_.GetCoinInfo(coin_id)->status, CoinStatus::kActive);
}

TEST_F(OperatorTest, TransferRefusedOnceNextLockTimeIsNotAboveHeight) {
  auto alice = NewWallet();
  auto bob = NewWallet();
  const CoinId coin_id = Deposit(*alice);
  const uint32_t lock_time = alice->Find(coin_id)->lock_time;
  ASSERT_EQ(lock_time, ledger_.Height() + kInitlock);

  // Next lock time = lock_time - interval; refuse when it is <= height.
  ledger_.Advance(lock_time - kInterval - ledger_.Height());
  const Status refused = alice->TransferTo(coin_id, bob->address(), kBackupFeeSats).status();
  EXPECT_EQ(refused.code(), StatusCode::kFailedPrecondition) << refused.ToString();
  EXPECT_NE(refused.message().find("at or below the current height"), std::string::npos);
  EXPECT_FALSE(operator_.GetCoinInfo(coin_id)->pending_transfer.has_value());
  EXPECT_EQ(operator_.SignatureCount(coin_id).value(), 1u);
}

TEST_F(OperatorTest, TransferAllowedWhileNextLockTimeIsAboveHeight) {
  auto alice = NewWallet();
  auto bob = NewWallet();
  const CoinId coin_id = Deposit(*alice);
  const uint32_t lock_time = alice->Find(coin_id)->lock_time;
  ledger_.Advance(lock_time - kInterval - ledger_.Height() - 1);
  Result<Bytes> message = alice->TransferTo(coin_id, bob->address(), kBackupFeeSats);
  ASSERT_TRUE(message.ok()) << message.status().ToString();
  EXPECT_TRUE(bob->Receive(*message).ok());
}

TEST_F(OperatorTest, SignatureCountExposesAnExtraSignature) {
  auto alice = NewWallet();
  auto bob = NewWallet();
  const CoinId coin_id = Deposit(*alice);
  // Alice has the operator sign something else: perhaps a spend of the coin.
  ASSERT_TRUE(alice->CoSign(coin_id, crypto::RandomHash32()).ok());
  Result<Bytes> message = alice->TransferTo(coin_id, bob->address(), kBackupFeeSats);
  ASSERT_TRUE(message.ok());
  EXPECT_EQ(operator_.SignatureCount(coin_id).value(), 3u);
  const Status refused = bob->Receive(*message).status();
  EXPECT_EQ(refused.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.message().find("has made 3 signatures"), std::string::npos)
      << refused.ToString();
  EXPECT_NE(refused.message().find("carries 2 backups"), std::string::npos);
}

TEST_F(OperatorTest, DepositNeedsAProofOfTheOwnersShare) {
  // A rogue share O = X - S cannot come with a proof; here, a proof by
  // another key.
  DepositRequest request{
      .auth_key = auth_.public_key(),
      .owner_share = share_.public_key(),
      .share_proof = two_party::ProveShare(crypto::PrivateKey::Generate(),
                                           DepositProofContext(auth_.public_key()))};
  request.auth = Sign(auth_, AuthPayload(request));
  EXPECT_EQ(operator_.DepositInit(request).status().code(), StatusCode::kPermissionDenied);
  size_t records = 0;
  ASSERT_TRUE(store_->Scan("statechain/", [&](std::string_view, ByteView) { ++records; }).ok());
  EXPECT_EQ(records, 0u);
}

TEST_F(OperatorTest, RefusedTransferRequestsChangeNothing) {
  auto alice = NewWallet();
  const WalletKeys bob_keys = WalletKeys::Generate();
  auto bob = NewWallet(bob_keys);
  const CoinId coin_id = Deposit(*alice);
  const crypto::PrivateKey share_before = StoredOperatorShare(coin_id);
  Result<Bytes> sealed = alice->TransferTo(coin_id, bob->address(), kBackupFeeSats);
  ASSERT_TRUE(sealed.ok());
  const TransferMessage message = OpenTransferMessage(bob_keys.auth_key, *sealed).value();

  // Someone other than the receiver finishing the transfer.
  const crypto::PrivateKey o2 = crypto::PrivateKey::Generate();
  TransferFinalizeRequest request{.coin_id = coin_id,
                                  .t2 = crypto::SubtractPrivateKeys(message.t1, o2).value(),
                                  .new_owner_share = o2.public_key()};
  request.auth = Sign(crypto::PrivateKey::Generate(), AuthPayload(request));
  EXPECT_EQ(operator_.TransferReceiverFinalize(request).status().code(),
            StatusCode::kPermissionDenied);
  // The receiver with a t2 that does not match its O2.
  request.new_owner_share = crypto::PrivateKey::Generate().public_key();
  request.auth = Sign(bob_keys.auth_key, AuthPayload(request));
  const Status mismatch = operator_.TransferReceiverFinalize(request).status();
  EXPECT_EQ(mismatch.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(mismatch.message().find("do not add up"), std::string::npos) << mismatch.ToString();

  EXPECT_EQ(StoredOperatorShare(coin_id).public_key(), share_before.public_key());
  const CoinInfo info = operator_.GetCoinInfo(coin_id).value();
  ASSERT_TRUE(info.pending_transfer.has_value());
  EXPECT_EQ(info.pending_transfer->receiver_auth_key, bob->address().auth_key);
  EXPECT_TRUE(bob->Receive(*sealed).ok());
  // Finished: s1 replaced, x1 erased.
  EXPECT_NE(StoredOperatorShare(coin_id).public_key(), share_before.public_key());
  EXPECT_EQ(store_->Get("statechain/transfer/" + ToHex(coin_id)).status().code(),
            StatusCode::kNotFound);
}

TEST_F(OperatorTest, WithdrawnCoinSignsNoMore) {
  const CoinId coin_id = DepositDirectly();
  const Hash32 nonce_id = NewNonce(coin_id);
  WithdrawRequest withdraw{.coin_id = coin_id};
  withdraw.auth = Sign(auth_, AuthPayload(withdraw));
  ASSERT_TRUE(operator_.Withdraw(withdraw).ok());
  EXPECT_EQ(operator_.PartialSign(SignRequestFor(coin_id, nonce_id, {})).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(
      store_->Get("statechain/nonce/" + ToHex(coin_id) + "/" + ToHex(nonce_id)).status().code(),
      StatusCode::kNotFound);
}

}  // namespace
}  // namespace parley::settlement::statechain::testing
