// The receiver's side of a transfer: malformed, tampered, replayed and
// misaddressed messages are refused with a reason, and change nothing.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "parley/crypto/random.h"
#include "statechain/statechain_test_util.h"

namespace parley::settlement::statechain::testing {
namespace {

class TransferMessageTest : public StatechainTest {
 protected:
  void SetUp() override {
    alice_ = NewWallet();
    bob_ = NewWallet(bob_keys_);
    coin_id_ = Deposit(*alice_);
    Result<Bytes> sealed = alice_->TransferTo(coin_id_, bob_->address(), kBackupFeeSats);
    ASSERT_TRUE(sealed.ok()) << sealed.status().ToString();
    sealed_ = *sealed;
  }

  TransferMessage Open() const { return OpenTransferMessage(bob_keys_.auth_key, sealed_).value(); }

  // What Bob's wallet says to the message after `tamper` changed it (as a
  // malicious sender could), sealed to Bob.
  Status ReceiveTampered(const std::function<void(TransferMessage&)>& tamper) {
    TransferMessage message = Open();
    tamper(message);
    return bob_->Receive(SealTransferMessage(message, bob_->address().auth_key).value()).status();
  }

  const WalletKeys bob_keys_ = WalletKeys::Generate();
  std::unique_ptr<Wallet> alice_;
  std::unique_ptr<Wallet> bob_;
  CoinId coin_id_{};
  Bytes sealed_;
};

void ExpectRefusal(const Status& status, StatusCode code, const std::string& reason,
                   const std::string& field) {
  EXPECT_EQ(status.code(), code) << field << ": " << status.ToString();
  EXPECT_NE(status.message().find(reason), std::string::npos)
      << field << ": expected \"" << reason << "\" in: " << status.message();
}

TEST_F(TransferMessageTest, EveryTamperedFieldIsRefusedAndChangesNothing) {
  const crypto::PublicKey other_key = crypto::PrivateKey::Generate().public_key();
  struct Case {
    std::string field;
    std::function<void(TransferMessage&)> tamper;
    StatusCode code;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {"coin id", [](TransferMessage& m) { m.coin_id[0] ^= 1; }, StatusCode::kNotFound,
       "knows no coin"},
      {"receiver auth key", [&](TransferMessage& m) { m.receiver.auth_key = other_key; },
       StatusCode::kPermissionDenied, "addressed to auth key"},
      {"receiver backup key", [&](TransferMessage& m) { m.receiver.backup_key = other_key; },
       StatusCode::kPermissionDenied, "names backup key"},
      {"t1", [](TransferMessage& m) { m.t1 = crypto::PrivateKey::Generate(); },
       StatusCode::kPermissionDenied, "t1 does not match"},
      {"sender share", [&](TransferMessage& m) { m.sender_share = other_key; },
       StatusCode::kPermissionDenied, "O1 plus the operator's share S1"},
      {"outpoint txid", [](TransferMessage& m) { m.outpoint.txid[5] ^= 1; },
       StatusCode::kFailedPrecondition, "no unspent output"},
      {"outpoint index", [](TransferMessage& m) { m.outpoint.index = 1; },
       StatusCode::kFailedPrecondition, "no unspent output"},
      {"amount", [](TransferMessage& m) { m.amount_sats += 1; }, StatusCode::kPermissionDenied,
       "says the coin holds"},
      {"no backups", [](TransferMessage& m) { m.backups.clear(); }, StatusCode::kPermissionDenied,
       "no backup transactions"},
      {"a backup left out", [](TransferMessage& m) { m.backups.erase(m.backups.begin()); },
       StatusCode::kFailedPrecondition, "2 signatures"},
      {"backup signature", [](TransferMessage& m) { m.backups[0].inputs[0].witness[0][10] ^= 1; },
       StatusCode::kPermissionDenied, "backup 1 of 2: has a signature that does not verify"},
      {"backup lock time", [](TransferMessage& m) { m.backups[1].lock_time += 1; },
       StatusCode::kPermissionDenied, "backup 2 of 2: has a signature that does not verify"},
      {"backup sequence", [](TransferMessage& m) { m.backups[1].inputs[0].sequence = 0xffffffff; },
       StatusCode::kPermissionDenied, "backup 2 of 2: has sequence"},
      {"backup amount", [](TransferMessage& m) { m.backups[1].outputs[0].amount_sats = 1; },
       StatusCode::kPermissionDenied, "backup 2 of 2: pays 1 of the coin's"},
      {"backup outpoint", [](TransferMessage& m) { m.backups[1].inputs[0].prevout.index = 7; },
       StatusCode::kPermissionDenied, "backup 2 of 2: spends"},
  };
  for (const Case& c : cases) ExpectRefusal(ReceiveTampered(c.tamper), c.code, c.reason, c.field);

  // None of it moved the coin: the genuine message still goes through.
  Result<CoinId> received = bob_->Receive(sealed_);
  ASSERT_TRUE(received.ok()) << received.status().ToString();
  EXPECT_EQ(*received, coin_id_);
}

TEST_F(TransferMessageTest, MalformedMessagesAreRefused) {
  ExpectRefusal(bob_->Receive(Bytes{1, 2, 3}).status(), StatusCode::kInvalidArgument, "at least",
                "too short to be sealed");
  ExpectRefusal(bob_->Receive(ByteView(sealed_).first(sealed_.size() - 1)).status(),
                StatusCode::kPermissionDenied, "does not open", "truncated sealed message");
  Bytes flipped = sealed_;
  flipped[flipped.size() / 2] ^= 1;
  ExpectRefusal(bob_->Receive(flipped).status(), StatusCode::kPermissionDenied, "does not open",
                "altered in transit");

  const Bytes plain = EncodeTransferMessage(Open());
  for (size_t length = 0; length < plain.size(); ++length) {
    EXPECT_EQ(DecodeTransferMessage(ByteView(plain).first(length)).status().code(),
              StatusCode::kInvalidArgument)
        << "a prefix of " << length << " bytes decoded";
  }
  Bytes trailing = plain;
  trailing.push_back(0);
  EXPECT_EQ(DecodeTransferMessage(trailing).status().code(), StatusCode::kInvalidArgument);
  Bytes version = plain;
  version[0] = 2;
  ExpectRefusal(DecodeTransferMessage(version).status(), StatusCode::kInvalidArgument, "version 2",
                "version");
  Bytes bad_key = plain;
  bad_key[1 + 32] = 0x07;  // the receiver auth key's prefix byte
  ExpectRefusal(DecodeTransferMessage(bad_key).status(), StatusCode::kInvalidArgument,
                "receiver auth key", "auth key encoding");
  Bytes zero_t1 = plain;
  std::fill(zero_t1.begin() + 1 + 32 + 33 + 33, zero_t1.begin() + 1 + 32 + 33 + 33 + 32, 0);
  ExpectRefusal(DecodeTransferMessage(zero_t1).status(), StatusCode::kInvalidArgument, "t1",
                "zero t1");
}

TEST_F(TransferMessageTest, ReplayedMessagesAreRefused) {
  ASSERT_TRUE(bob_->Receive(sealed_).ok());
  ExpectRefusal(bob_->Receive(sealed_).status(), StatusCode::kFailedPrecondition,
                "no pending transfer", "replay to the same receiver");

  // Bob passes the coin on; Alice's old message is still worthless.
  auto carol = NewWallet();
  Result<Bytes> to_carol = bob_->TransferTo(coin_id_, carol->address(), kBackupFeeSats);
  ASSERT_TRUE(to_carol.ok()) << to_carol.status().ToString();
  ExpectRefusal(bob_->Receive(sealed_).status(), StatusCode::kFailedPrecondition,
                "no pending transfer", "replay during a later transfer");
  ASSERT_TRUE(carol->Receive(*to_carol).ok());
  ExpectRefusal(carol->Receive(*to_carol).status(), StatusCode::kFailedPrecondition,
                "no pending transfer", "second replay");
}

TEST_F(TransferMessageTest, WronglyAddressedMessagesAreRefused) {
  auto carol = NewWallet();
  ExpectRefusal(carol->Receive(sealed_).status(), StatusCode::kPermissionDenied, "does not open",
                "Bob's message at Carol");
  // A message sealed to Carol but naming Bob fails Carol's address check.
  const Bytes to_carol = SealTransferMessage(Open(), carol->address().auth_key).value();
  ExpectRefusal(carol->Receive(to_carol).status(), StatusCode::kPermissionDenied,
                "addressed to auth key", "Bob's message resealed to Carol");
  // And one naming Carol but backed by a transfer to Bob fails at the operator.
  TransferMessage renamed = Open();
  renamed.receiver = carol->address();
  const Bytes renamed_sealed = SealTransferMessage(renamed, carol->address().auth_key).value();
  ExpectRefusal(carol->Receive(renamed_sealed).status(), StatusCode::kFailedPrecondition,
                "no pending transfer", "renamed to Carol");
  EXPECT_TRUE(bob_->Receive(sealed_).ok());
}

TEST_F(TransferMessageTest, LatestBackupMustPayTheReceiver) {
  // Alice sends a second coin to Bob's auth key but with a backup paying a
  // key of hers; the message names Bob's real backup key.
  auto alice = NewWallet();
  const CoinId coin_id = Deposit(*alice);
  Address wrong = bob_->address();
  wrong.backup_key = crypto::PrivateKey::Generate().public_key();
  Result<Bytes> sealed = alice->TransferTo(coin_id, wrong, kBackupFeeSats);
  ASSERT_TRUE(sealed.ok());
  TransferMessage message = OpenTransferMessage(bob_keys_.auth_key, *sealed).value();
  message.receiver = bob_->address();
  ExpectRefusal(
      bob_->Receive(SealTransferMessage(message, bob_->address().auth_key).value()).status(),
      StatusCode::kPermissionDenied, "does not pay to this wallet's backup key", "backup payee");
}

}  // namespace
}  // namespace parley::settlement::statechain::testing
