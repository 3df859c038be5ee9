// EvmClientTest: an anvil with the contracts deployed, and clients of two
// participants, Alice and Bob, with ether for gas; shared by the EvmClient
// tests that need a chain.
#pragma once

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

#include "parley/crypto/random.h"
#include "parley/settlement/evm/deployment.h"
#include "parley/settlement/evm/evm_client.h"
#include "testing/anvil.h"
#include "testing/status_matchers.h"

namespace parley::settlement::evm {

using channel::Params;
using channel::SignedState;
using channel::State;

inline constexpr uint64_t kChallenge = 10;

class EvmClientTest : public testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK(anvil_.Start());
    auto chain = EthClient::Open(anvil_.endpoint());
    ASSERT_OK(chain.status());
    chain_ = std::make_unique<EthClient>(std::move(*chain));
    ASSERT_OK(chain_->Rpc("anvil_setBlockTimestampInterval", {0}).status());
    auto deployer = crypto::PrivateKey::FromHex(Anvil::kDevKeys[0].substr(2));
    ASSERT_OK(deployer.status());
    TxSender sender(*chain_, *deployer, Anvil::kChainId);
    auto deployment = DeployContracts(sender);
    ASSERT_OK(deployment.status());
    adjudicator_ = deployment->adjudicator;
    alice_ = MakeClient(alice_key_);
    bob_ = MakeClient(bob_key_);
  }

  std::unique_ptr<EvmClient> MakeClient(const crypto::PrivateKey& key) {
    std::string address = crypto::AddressToHex(crypto::EthereumAddress(key.public_key()));
    EXPECT_OK(chain_->Rpc("anvil_setBalance", {address, "0x3635c9adc5dea00000"}).status());
    auto client = EvmClient::Create(*chain_, adjudicator_, key,
                                    {.poll_interval = std::chrono::milliseconds(20)});
    EXPECT_OK(client.status());
    return client.ok() ? std::move(*client) : nullptr;
  }

  Params Channel(const std::string& app) {
    return {.participants = {alice_key_.public_key(), bob_key_.public_key()},
            .nonce = crypto::RandomHash32(),
            .challenge_duration = kChallenge,
            .app = app,
            .backend = "evm"};
  }

  State Payment(const Params& p, uint64_t version, int a, int b) {
    return {.channel_id = alice_->scheme().ComputeChannelId(p),
            .version = version,
            .allocation = {{{"eth", {a, b}, {}}}}};
  }

  SignedState Sign(const State& s, const std::vector<const crypto::PrivateKey*>& by) {
    Hash32 hash = alice_->scheme().StateHash(s);
    SignedState out{s, {std::nullopt, std::nullopt}};
    for (const crypto::PrivateKey* key : by) {
      out.sigs[key == &alice_key_ ? 0 : 1] = alice_->scheme().Sign(*key, hash);
    }
    return out;
  }

  void Advance(uint64_t seconds) {
    auto latest = chain_->GetBlock(BlockTag::Latest());
    ASSERT_OK(latest.status());
    ASSERT_OK(chain_->SetNextBlockTimestamp(latest->timestamp + seconds));
    ASSERT_OK(chain_->Mine(1));
  }

  void Fund(const Params& p) {
    ASSERT_OK(alice_->Deposit(p, 0, "eth", 100));
    ASSERT_OK(bob_->Deposit(p, 1, "eth", 100));
  }

  Anvil anvil_;
  std::unique_ptr<EthClient> chain_;
  crypto::EthAddress adjudicator_{};
  crypto::PrivateKey alice_key_ = crypto::PrivateKey::Generate();
  crypto::PrivateKey bob_key_ = crypto::PrivateKey::Generate();
  std::unique_ptr<EvmClient> alice_;
  std::unique_ptr<EvmClient> bob_;
};

// Collects events, for a test to wait on.
class Events {
 public:
  void Add(const Event& e) {
    std::lock_guard lock(mutex_);
    events_.push_back(e);
    arrived_.notify_all();
  }
  std::vector<Event> WaitFor(size_t n) {
    std::unique_lock lock(mutex_);
    arrived_.wait_for(lock, std::chrono::seconds(10), [&] { return events_.size() >= n; });
    return events_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<Event> events_;
};

}  // namespace parley::settlement::evm
