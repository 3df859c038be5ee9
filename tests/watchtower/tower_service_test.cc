// The watchtower over gRPC: TowerService on loopback, reached by the
// TowerClient parleyd uses and by a raw stub for requests no honest client
// sends. The service only translates; these tests check the translation
// (request bytes, authentication, the gRPC codes of refusals).
#include "watchtower/tower_service.h"  // private: the service itself

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "parley/v1/watchtower.grpc.pb.h"
#include "parley/watchtower/tower_client.h"
#include "parley/wire/grpc_common.h"
#include "testing/free_port.h"
#include "watchtower/tower_fixture.h"

namespace parley::watchtower::testing {
namespace {

class TowerServiceTest : public TowerTest {
 protected:
  void SetUp() override {
    tower_ = StartTower(*store_, {.quota_per_client = 1});
    service_ = std::make_unique<TowerService>(*tower_, "sim", "sim://test");
    address_ = "127.0.0.1:" + std::to_string(testing_support::FreePort());
    grpc::ServerBuilder builder;
    builder.AddListeningPort(address_, grpc::InsecureServerCredentials());
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    stub_ =
        v1::Watchtower::NewStub(grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    if (server_) server_->Shutdown();
  }

  // A StoreState request for `state`, signed by Alice over a fresh challenge.
  v1::StoreStateRequest Request(const channel::SignedState& state) {
    v1::TowerChallenge challenge;
    grpc::ClientContext context;
    EXPECT_TRUE(stub_->GetChallenge(&context, {}, &challenge).ok());
    Auth auth = SignRequest(alice_, kStoreStateCall,
                            wire::Hash32FromBytes(challenge.challenge(), "challenge").value(),
                            StoreStateContent(params_, state));
    v1::StoreStateRequest r;
    r.set_params(wire::ToBytes(params_));
    r.set_signed_state(wire::ToBytes(state));
    r.mutable_auth()->set_client_key(
        std::string(auth.client.bytes().begin(), auth.client.bytes().end()));
    r.mutable_auth()->set_challenge(challenge.challenge());
    r.mutable_auth()->set_signature(std::string(auth.signature.begin(), auth.signature.end()));
    return r;
  }
  grpc::Status Send(const v1::StoreStateRequest& r) {
    v1::StoreStateReply reply;
    grpc::ClientContext context;
    return stub_->StoreState(&context, r, &reply);
  }

  std::unique_ptr<store::Store> store_ = store::NewMemoryStore();
  std::unique_ptr<Tower> tower_;
  std::unique_ptr<TowerService> service_;
  std::string address_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::Watchtower::Stub> stub_;
};

TEST_F(TowerServiceTest, AClientHandsOverStatesAndListsThem) {
  TowerClient client(address_, alice_);
  auto stored = client.StoreState(params_, Signed(3));
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(stored->version, 3u);
  ASSERT_TRUE(client.StoreState(params_, Signed(4)).ok());
  auto older = client.StoreState(params_, Signed(2));
  EXPECT_CODE(older.status(), StatusCode::kFailedPrecondition);

  auto watched = client.ListWatched();
  ASSERT_TRUE(watched.ok()) << watched.status().ToString();
  ASSERT_EQ(watched->size(), 1u);
  EXPECT_EQ((*watched)[0].version, 4u);
  // Bob has handed over nothing.
  auto bobs = TowerClient(address_, bob_).ListWatched();
  ASSERT_TRUE(bobs.ok());
  EXPECT_TRUE(bobs->empty());
}

TEST_F(TowerServiceTest, ARequestCountsOnceAndOnlyAsSigned) {
  v1::StoreStateRequest request = Request(Signed(3));
  ASSERT_TRUE(Send(request).ok());
  EXPECT_EQ(Send(request).error_code(), grpc::StatusCode::UNAUTHENTICATED);  // replayed

  v1::StoreStateRequest tampered = Request(Signed(4));
  tampered.set_signed_state(wire::ToBytes(Signed(5)));
  EXPECT_EQ(Send(tampered).error_code(), grpc::StatusCode::UNAUTHENTICATED);

  v1::StoreStateRequest unsigned_request = Request(Signed(4));
  unsigned_request.mutable_auth()->set_signature("short");
  EXPECT_EQ(Send(unsigned_request).error_code(), grpc::StatusCode::UNAUTHENTICATED);

  v1::StoreStateRequest garbage = Request(Signed(4));
  garbage.set_params("not params");
  EXPECT_EQ(Send(garbage).error_code(), grpc::StatusCode::UNAUTHENTICATED);  // signed other bytes
  EXPECT_EQ(tower_->ListWatched(alice_.public_key())[0].version, 3u);
}

TEST_F(TowerServiceTest, AClientOverItsQuotaGetsResourceExhausted) {
  TowerClient client(address_, alice_);
  ASSERT_TRUE(client.StoreState(params_, Signed(1)).ok());
  channel::Params other = NewParams();
  auto over = client.StoreState(other, Signed(1, 50, &other));
  EXPECT_CODE(over.status(), StatusCode::kFailedPrecondition);
  EXPECT_NE(over.status().message().find("quota"), std::string::npos);

  params_ = other;  // the raw call shows the gRPC code itself
  EXPECT_EQ(Send(Request(Signed(1))).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
}

TEST_F(TowerServiceTest, ATowerThatIsDownIsAnIoErrorToTheClient) {
  TowerClient client("127.0.0.1:" + std::to_string(testing_support::FreePort()), alice_,
                     std::chrono::milliseconds(500));
  EXPECT_CODE(client.StoreState(params_, Signed(1)).status(), StatusCode::kIoError);
}

}  // namespace
}  // namespace parley::watchtower::testing
