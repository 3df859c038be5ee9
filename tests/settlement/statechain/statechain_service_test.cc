// The operator's gRPC service (rpc/statechain_service.h) and its client
// (RemoteOperator), over loopback in process: malformed fields are
// INVALID_ARGUMENT naming the field and change nothing, the operator's
// refusals keep their gRPC code, and a wallet works through the client as it
// does in process.
#include "parley/rpc/statechain_service.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <utility>

#include "parley/crypto/random.h"
#include "parley/settlement/statechain/proto_codec.h"
#include "parley/settlement/statechain/remote_operator.h"
#include "statechain/statechain_test_util.h"

namespace parley::settlement::statechain::testing {
namespace {

class StatechainServiceTest : public StatechainTest {
 protected:
  explicit StatechainServiceTest(OperatorOptions options = {})
      : StatechainTest(std::move(options)), service_(operator_) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    address_ = "127.0.0.1:" + std::to_string(port_);
    stub_ =
        v1::Statechain::NewStub(grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
    remote_ = std::make_unique<RemoteOperator>(address_);
  }
  ~StatechainServiceTest() override { server_->Shutdown(); }

  // A wallet whose operator is the remote one.
  std::unique_ptr<Wallet> RemoteWallet() {
    return std::make_unique<Wallet>(*remote_, ledger_, WalletKeys::Generate(),
                                    ReceiverPolicy{.protocol = options_.protocol});
  }

  // A well-formed, validly signed nonce request for `coin_id` by `key`.
  v1::NonceCommitRequest NonceRequestFor(const CoinId& coin_id, const crypto::PrivateKey& key) {
    NonceRequest request{.coin_id = coin_id};
    request.auth = Authorize(key, operator_.NewChallenge().value(), AuthPayload(request));
    return ToProto(request);
  }

  rpc::StatechainService service_;
  int port_ = 0;
  std::string address_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::Statechain::Stub> stub_;
  std::unique_ptr<RemoteOperator> remote_;
};

template <typename Reply, typename Request, typename Method>
grpc::Status Call(v1::Statechain::Stub& stub, Method method, const Request& request) {
  grpc::ClientContext context;
  Reply reply;
  return (stub.*method)(&context, request, &reply);
}

TEST_F(StatechainServiceTest, MalformedDepositFieldsAreInvalidArgumentNamingTheField) {
  const crypto::PrivateKey auth = crypto::PrivateKey::Generate();
  const crypto::PrivateKey share = crypto::PrivateKey::Generate();
  DepositRequest good{
      .auth_key = auth.public_key(),
      .owner_share = share.public_key(),
      .share_proof = crypto::two_party::ProveShare(share, DepositProofContext(auth.public_key()))};
  good.auth = Authorize(auth, operator_.NewChallenge().value(), AuthPayload(good));
  struct Case {
    const char* field;
    std::function<void(v1::DepositInitRequest&)> spoil;
  };
  const std::vector<Case> cases = {
      {"auth_key", [](auto& r) { r.set_auth_key("short"); }},
      {"auth_key", [](auto& r) { r.set_auth_key(std::string(33, '\x07')); }},  // not a point
      {"owner_share", [](auto& r) { r.clear_owner_share(); }},
      {"share_proof", [](auto& r) { r.set_share_proof(std::string(63, 'a')); }},
      {"auth.challenge", [](auto& r) { r.mutable_auth()->set_challenge("x"); }},
      {"auth.signature", [](auto& r) { r.mutable_auth()->clear_signature(); }},
      {"auth is missing", [](auto& r) { r.clear_auth(); }},
  };
  for (const Case& c : cases) {
    v1::DepositInitRequest request = ToProto(good);
    c.spoil(request);
    grpc::Status status =
        Call<v1::DepositInitReply>(*stub_, &v1::Statechain::Stub::DepositInit, request);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.field;
    EXPECT_NE(status.error_message().find(c.field), std::string::npos) << status.error_message();
  }
  // None of them spent the challenge: the good request still goes through.
  EXPECT_TRUE(
      Call<v1::DepositInitReply>(*stub_, &v1::Statechain::Stub::DepositInit, ToProto(good)).ok());
}

TEST_F(StatechainServiceTest, MalformedFieldsOfEveryOtherCallAreInvalidArgument) {
  v1::PartialSignRequest sign;
  sign.set_coin_id(std::string(32, '\0'));
  sign.set_nonce_id(std::string(32, '\0'));
  sign.set_owner_nonce(std::string(65, '\2'));  // one byte short
  sign.set_message(std::string(32, '\0'));
  grpc::Status status =
      Call<v1::PartialSignReply>(*stub_, &v1::Statechain::Stub::PartialSign, sign);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("owner_nonce"), std::string::npos);

  v1::TransferReceiverFinalizeRequest finalize;
  finalize.set_coin_id(std::string(32, '\0'));
  finalize.set_t2(std::string(32, '\0'));  // zero is not a scalar in [1, n-1]
  status = Call<v1::TransferReceiverFinalizeReply>(
      *stub_, &v1::Statechain::Stub::TransferReceiverFinalize, finalize);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("t2"), std::string::npos);

  v1::TransferSenderInitRequest init;
  init.set_coin_id(std::string(32, '\0'));
  init.set_receiver_auth_key(std::string(33, '\0'));
  status =
      Call<v1::TransferSenderInitReply>(*stub_, &v1::Statechain::Stub::TransferSenderInit, init);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("receiver_auth_key"), std::string::npos);

  v1::StatecoinWithdrawRequest withdraw;
  withdraw.set_coin_id("abc");
  status = Call<v1::StatecoinWithdrawReply>(*stub_, &v1::Statechain::Stub::Withdraw, withdraw);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("coin_id"), std::string::npos);

  v1::GetCoinInfoRequest info;
  status = Call<v1::CoinInfoReply>(*stub_, &v1::Statechain::Stub::GetCoinInfo, info);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  v1::SignatureCountRequest count;
  count.set_coin_id(std::string(31, '\0'));
  status = Call<v1::SignatureCountReply>(*stub_, &v1::Statechain::Stub::SignatureCount, count);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(StatechainServiceTest, OperatorRefusalsKeepTheirCode) {
  const WalletKeys keys = WalletKeys::Generate();
  std::unique_ptr<Wallet> owner = NewWallet(keys);
  const CoinId coin = Deposit(*owner);

  v1::GetCoinInfoRequest unknown;
  unknown.set_coin_id(std::string(32, '\x42'));
  EXPECT_EQ(
      Call<v1::CoinInfoReply>(*stub_, &v1::Statechain::Stub::GetCoinInfo, unknown).error_code(),
      grpc::StatusCode::NOT_FOUND);

  // Signed by a stranger: PERMISSION_DENIED.
  EXPECT_EQ(Call<v1::NonceCommitReply>(*stub_, &v1::Statechain::Stub::NonceCommit,
                                       NonceRequestFor(coin, crypto::PrivateKey::Generate()))
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // A nonce that has signed: FAILED_PRECONDITION the second time.
  v1::NonceCommitReply nonce;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub_->NonceCommit(&context, NonceRequestFor(coin, keys.auth_key), &nonce).ok());
  }
  SignRequest sign{.coin_id = coin,
                   .owner_nonce = crypto::two_party::NonceGen(keys.backup_key, {})->public_nonce,
                   .message = crypto::RandomHash32()};
  std::copy(nonce.nonce_id().begin(), nonce.nonce_id().end(), sign.nonce_id.begin());
  for (grpc::StatusCode expected : {grpc::StatusCode::OK, grpc::StatusCode::FAILED_PRECONDITION}) {
    sign.auth = Authorize(keys.auth_key, operator_.NewChallenge().value(), AuthPayload(sign));
    EXPECT_EQ(Call<v1::PartialSignReply>(*stub_, &v1::Statechain::Stub::PartialSign, ToProto(sign))
                  .error_code(),
              expected);
  }

  // The client sees the same coin as the operator.
  EXPECT_EQ(*remote_->SignatureCount(coin), 2u);  // backup 1 and the nonce above
  Result<CoinInfo> info = remote_->GetCoinInfo(coin);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->signature_count, 2u);
  EXPECT_EQ(info->coin_key, operator_.GetCoinInfo(coin)->coin_key);
  EXPECT_EQ(info->lock_time, operator_.GetCoinInfo(coin)->lock_time);

  // The client maps the codes back.
  Result<Hash32> challenge = remote_->NewChallenge();
  ASSERT_TRUE(challenge.ok());
  WithdrawRequest withdraw{.coin_id = coin};
  withdraw.auth = Authorize(crypto::PrivateKey::Generate(), *challenge, AuthPayload(withdraw));
  EXPECT_EQ(remote_->Withdraw(withdraw).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(remote_->GetCoinInfo(CoinId{}).status().code(), StatusCode::kNotFound);
}

TEST_F(StatechainServiceTest, AnUnreachableOperatorIsIoError) {
  RemoteOperator nowhere("127.0.0.1:1", std::chrono::milliseconds(500));
  Result<Hash32> challenge = nowhere.NewChallenge();
  EXPECT_EQ(challenge.status().code(), StatusCode::kIoError);
  EXPECT_NE(challenge.status().message().find("127.0.0.1:1"), std::string::npos);
}

TEST_F(StatechainServiceTest, WalletsTransferAndWithdrawThroughTheRemoteOperator) {
  std::unique_ptr<Wallet> first = RemoteWallet();
  // Deposit through the remote operator (the helper works on any wallet).
  const CoinId coin = Deposit(*first);
  std::unique_ptr<Wallet> second = RemoteWallet();
  Result<Bytes> sealed = first->TransferTo(coin, second->address(), kBackupFeeSats);
  ASSERT_TRUE(sealed.ok()) << sealed.status().ToString();
  Result<CoinId> received = second->Receive(*sealed);
  ASSERT_TRUE(received.ok()) << received.status().ToString();
  EXPECT_EQ(*received, coin);
  EXPECT_EQ(second->Find(coin)->backups.size(), 2u);

  const Bytes script(34, 0x51);
  Result<crypto::Transaction> tx = second->Withdraw(coin, script, kBackupFeeSats);
  ASSERT_TRUE(tx.ok()) << tx.status().ToString();
  EXPECT_EQ(operator_.GetCoinInfo(coin)->status, CoinStatus::kWithdrawn);
  EXPECT_EQ(second->Find(coin), nullptr);
  EXPECT_FALSE(ledger_.UnspentOutput(tx->inputs[0].prevout).ok());
}

// An operator with lock-time rules of its own.
class OperatorInfoTest : public StatechainServiceTest {
 protected:
  OperatorInfoTest() : StatechainServiceTest({.protocol = {.initlock = 777, .interval = 7}}) {}
};

TEST_F(OperatorInfoTest, TheOperatorSaysItsInitlockAndInterval) {
  Result<ProtocolOptions> info = remote_->GetOperatorInfo();
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->initlock, 777u);
  EXPECT_EQ(info->interval, 7u);
  // A wallet set up with them checks its coins' backups against them.
  std::unique_ptr<Wallet> first = RemoteWallet();
  const CoinId coin = Deposit(*first);
  std::unique_ptr<Wallet> second = std::make_unique<Wallet>(
      *remote_, ledger_, WalletKeys::Generate(), ReceiverPolicy{.protocol = *info});
  Result<Bytes> sealed = first->TransferTo(coin, second->address(), kBackupFeeSats);
  ASSERT_TRUE(sealed.ok()) << sealed.status().ToString();
  EXPECT_TRUE(second->Receive(*sealed).ok());
}

TEST_F(OperatorInfoTest, AnUnreachableOperatorHasNoInfo) {
  RemoteOperator nowhere("127.0.0.1:1", std::chrono::milliseconds(500));
  EXPECT_EQ(nowhere.GetOperatorInfo().status().code(), StatusCode::kIoError);
}

}  // namespace
}  // namespace parley::settlement::statechain::testing
