// CheckpointSigner: Alice asks for a backup of a checkpoint, Bob answers
// with the operator's partial signature (OperatorAdjudicator::SignBackup),
// and each refusal leaves what it refused out. Each signer is encoded and
// decoded after every step, as the node stores it.
#include "parley/settlement/statechain/checkpoint_signer.h"

#include <gtest/gtest.h>

#include <optional>

#include "parley/channel/scheme.h"
#include "parley/crypto/schnorr.h"
#include "parley/settlement/statechain/operator_adjudicator.h"
#include "statechain/coin_channel.h"

namespace parley::settlement::statechain {
namespace {

namespace mp = crypto::multi_party;
using testing::CoinChannel;

constexpr int64_t kCoin = 100'000;
constexpr uint32_t kCoinLock = 11'000;

class CheckpointSignerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ch_.emplace(
        CoinChannel::Create(ledger_, scheme_, 10, kCoin, {.coin_lock_time = kCoinLock}).value());
    ASSERT_TRUE(operator_.OpenChannel(ch_->params, ch_->opening, *ch_->operator_share).ok());
    // Each side's backup nonce reaches the other with its messages.
    ExchangeNonces();
  }

  const ChannelCoin& coin() const { return ch_->opening.coin; }
  void ExchangeNonces() {
    for (size_t p : {0, 1}) {
      const mp::PublicNonce nonce = signers_[p].Nonce(ch_->shares[p]).value();
      ASSERT_TRUE(signers_[1 - p].SetPeerNonce(nonce).ok());
    }
    Reload();
  }
  // As the node stores them: encoded and decoded.
  void Reload() {
    for (CheckpointSigner& signer : signers_) {
      signer = CheckpointSigner::Decode(signer.Encode()).value();
    }
  }
  channel::SignedState Checkpoint(uint64_t version, int64_t alice) const {
    return ch_->SignBoth(ch_->Payment(version, alice));
  }
  // Alice's request for a backup of `checkpoint` at `lock_time`, with the
  // proposal of the version after it.
  BackupRequest Ask(const channel::SignedState& checkpoint, uint32_t lock_time) {
    const mp::PublicNonce op = operator_.BackupNonce(ch_->id).value();
    auto request = signers_[0].Request(coin(), ch_->shares[0], checkpoint.state, lock_time, op,
                                       checkpoint.state.version + 1);
    EXPECT_TRUE(request.ok()) << request.status().ToString();
    return request.value();
  }
  // Bob's answer, with the operator's partial signature.
  Result<BackupAnswer> Answer(const channel::SignedState& checkpoint,
                              const BackupRequest& request) {
    auto operator_sign = [&](const std::array<mp::PublicNonce, kChannelParticipants>& nonces) {
      return operator_.SignBackup(ch_->params, checkpoint, request.lock_time, nonces);
    };
    return signers_[1].Respond(coin(), ch_->shares[1], checkpoint.state, request,
                               checkpoint.state.version + 1, operator_sign);
  }

  channel::Bip340Scheme scheme_{"statechain"};
  testing::FakeLedger ledger_;
  std::unique_ptr<store::Store> store_ = store::NewMemoryStore();
  OperatorAdjudicator operator_{*store_, ledger_, scheme_};
  std::optional<CoinChannel> ch_;
  std::array<CheckpointSigner, 2> signers_ = {CheckpointSigner(0), CheckpointSigner(1)};
};

TEST_F(CheckpointSignerTest, BothHoldTheSameBackupWhichVerifiesUnderTheCoinsKey) {
  const channel::SignedState checkpoint = Checkpoint(5, kCoin - 500);
  const BackupRequest request = Ask(checkpoint, kCoinLock - 10);
  EXPECT_EQ(signers_[0].RequestFor(6)->partial, request.partial) << "the same to send again";
  Reload();
  auto answer = Answer(checkpoint, request);
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_EQ(signers_[1].AnswerFor(6)->signature, answer->signature) << "the same to send again";
  Reload();
  ASSERT_TRUE(signers_[0].Complete(coin(), 6, *answer).ok());
  Reload();
  for (const CheckpointSigner& signer : signers_) {
    ASSERT_TRUE(signer.latest().has_value());
    EXPECT_EQ(signer.latest()->version, 5u);
    EXPECT_EQ(signer.latest()->lock_time, kCoinLock - 10);
    EXPECT_EQ(signer.latest()->tx.lock_time, kCoinLock - 10);
  }
  EXPECT_EQ(crypto::Serialize(signers_[0].latest()->tx),
            crypto::Serialize(signers_[1].latest()->tx));
  const Hash32 sighash = SpendSighash(signers_[0].latest()->tx, coin().coin).value();
  EXPECT_TRUE(crypto::SchnorrVerify(coin().coin.output_key, sighash, answer->signature));
  // Both nonces signed: the next backup needs fresh ones.
  EXPECT_NE(signers_[0].Nonce(ch_->shares[0]).value(), request.nonces[0]);
  EXPECT_NE(signers_[1].Nonce(ch_->shares[1]).value(), request.nonces[1]);
}

TEST_F(CheckpointSignerTest, TheResponderRefusesWhatItCannotSign) {
  const channel::SignedState checkpoint = Checkpoint(5, kCoin - 500);
  BackupRequest request = Ask(checkpoint, kCoinLock - 10);
  // A request on another checkpoint than Bob's latest state.
  EXPECT_EQ(Answer(Checkpoint(4, kCoin - 400), request).status().code(),
            StatusCode::kFailedPrecondition);
  // A forged partial signature of Alice's.
  BackupRequest forged = request;
  forged.partial[31] ^= 1;
  EXPECT_EQ(Answer(checkpoint, forged).status().code(), StatusCode::kPermissionDenied);
  // A nonce of Bob's that is not his current one.
  BackupRequest stale = request;
  stale.nonces[1] = signers_[0].Nonce(ch_->shares[0]).value();
  EXPECT_EQ(Answer(checkpoint, stale).status().code(), StatusCode::kFailedPrecondition);
  // An operator whose partial signature does not verify.
  auto forged_operator = [&](const std::array<mp::PublicNonce, kChannelParticipants>&) {
    return Result<mp::PartialSignature>(mp::PartialSignature{1});
  };
  EXPECT_EQ(signers_[1]
                .Respond(coin(), ch_->shares[1], checkpoint.state, request, 6, forged_operator)
                .status()
                .code(),
            StatusCode::kPermissionDenied);
  EXPECT_FALSE(signers_[1].latest().has_value());
  // That one used Bob's nonce; a new one reaches Alice, and her next request works.
  ExchangeNonces();
  request = Ask(checkpoint, kCoinLock - 10);
  auto answer = Answer(checkpoint, request);
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  ASSERT_TRUE(signers_[0].Complete(coin(), 6, *answer).ok());
  // A lock time not below Bob's latest backup's is refused before anything is signed.
  ExchangeNonces();
  const channel::SignedState later = Checkpoint(9, kCoin - 900);
  const BackupRequest same_lock = Ask(later, kCoinLock - 10);
  EXPECT_EQ(Answer(later, same_lock).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(signers_[1].latest()->version, 5u);
}

TEST_F(CheckpointSignerTest, TheRequesterKeepsNoBackupWithABadSignature) {
  const channel::SignedState checkpoint = Checkpoint(5, kCoin - 500);
  const BackupRequest request = Ask(checkpoint, kCoinLock - 10);
  auto answer = Answer(checkpoint, request);
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  BackupAnswer forged = *answer;
  forged.signature[40] ^= 1;
  EXPECT_EQ(signers_[0].Complete(coin(), 6, forged).code(), StatusCode::kPermissionDenied);
  EXPECT_FALSE(signers_[0].latest().has_value());
  EXPECT_FALSE(signers_[0].RequestFor(6).has_value()) << "settled, whatever the answer";
  // An answer for another proposal than the one that asked.
  EXPECT_EQ(signers_[0].Complete(coin(), 7, *answer).code(), StatusCode::kFailedPrecondition);
}

TEST_F(CheckpointSignerTest, TheNextBackupGoesBelowBothParticipantsLatest) {
  EXPECT_EQ(signers_[0].NextBelow(kCoinLock), kCoinLock);
  signers_[0].SetPeerLockTime(kCoinLock - 30);
  signers_[0].SetPeerLockTime(kCoinLock - 20);  // an older message: the lowest stays
  EXPECT_EQ(signers_[0].NextBelow(kCoinLock), kCoinLock - 30);
  Reload();
  EXPECT_EQ(signers_[0].NextBelow(kCoinLock), kCoinLock - 30);
}

TEST_F(CheckpointSignerTest, BytesItCouldNotHaveWrittenAreCorruption) {
  const Bytes encoded = signers_[0].Encode();
  for (size_t cut : {size_t{0}, size_t{1}, encoded.size() - 1}) {
    EXPECT_EQ(CheckpointSigner::Decode(ByteView(encoded).first(cut)).status().code(),
              StatusCode::kCorruption);
  }
  Bytes longer = encoded;
  longer.push_back(0);
  EXPECT_EQ(CheckpointSigner::Decode(longer).status().code(), StatusCode::kCorruption);
  Bytes other = encoded;
  other[0] = 2;  // participant out of range
  EXPECT_EQ(CheckpointSigner::Decode(other).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(CheckpointSigner::Decode(encoded).value().Encode(), encoded);
}

TEST_F(CheckpointSignerTest, ANonceWithoutItsSecretOrASecretWithoutItsNonceIsCorruption) {
  ASSERT_TRUE(signers_[0].Nonce(ch_->shares[0]).ok());
  const Bytes held = signers_[0].Encode();
  // self, the nonce's flag and the nonce, then the secret's flag and the secret.
  const size_t secret_flag = 2 + sizeof(mp::PublicNonce);
  ASSERT_EQ(held[secret_flag], 1);
  Bytes no_secret = held;
  no_secret[secret_flag] = 0;
  no_secret.erase(no_secret.begin() + secret_flag + 1,
                  no_secret.begin() + secret_flag + 1 + mp::SecretNonce::kSize);
  EXPECT_EQ(CheckpointSigner::Decode(no_secret).status().code(), StatusCode::kCorruption);
  Bytes no_nonce = held;
  no_nonce[1] = 0;
  no_nonce.erase(no_nonce.begin() + 2, no_nonce.begin() + secret_flag);
  EXPECT_EQ(CheckpointSigner::Decode(no_nonce).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(CheckpointSigner::Decode(held).value().Encode(), held);
}

TEST_F(CheckpointSignerTest, AMalformedPeerNonceIsRefused) {
  mp::PublicNonce bad{};
  bad[0] = 0x05;
  EXPECT_EQ(signers_[0].SetPeerNonce(bad).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace parley::settlement::statechain
