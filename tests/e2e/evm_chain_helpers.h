// An anvil chain in end-to-end tests: started with the contracts deployed,
// an account's balance at a block, the gas its transactions paid, and block
// time moved on by hand.
#pragma once

#include <gtest/gtest.h>

#include <cctype>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "e2e/daemon_harness.h"
#include "parley/channel/amount.h"
#include "parley/crypto/ecdsa.h"
#include "parley/settlement/evm/eth_client.h"
#include "testing/anvil.h"

namespace parley::e2e {

// anvil, with the contracts deployed by the CLI (paid by anvil's first dev
// account), and a client of it.
struct DeployedChain {
  Anvil anvil;
  std::unique_ptr<settlement::evm::EthClient> client;
  std::string adjudicator;  // the Adjudicator's address, 0x...
  std::string url;          // evm://HOST:PORT, for --chain

  // Call with ASSERT_NO_FATAL_FAILURE.
  void Start() {
    Status started = anvil.Start();
    ASSERT_TRUE(started.ok()) << started.ToString();
    auto opened = settlement::evm::EthClient::Open(anvil.endpoint());
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    client = std::make_unique<settlement::evm::EthClient>(std::move(*opened));
    std::string out;
    ASSERT_EQ(RunCli({"--json", "evm", "deploy", "--rpc", anvil.endpoint(), "--key",
                      std::string(Anvil::kDevKeys[0])},
                     &out),
              0)
        << out;
    auto deployed = nlohmann::json::parse(out.substr(out.find('{')), nullptr, false);
    ASSERT_TRUE(deployed.is_object() && deployed.contains("adjudicator")) << out;
    adjudicator = deployed["adjudicator"].get<std::string>();
    url = "evm://" + anvil.endpoint().substr(std::string("http://").size());
  }
};

// `account`'s ether at block `block`; 0, with a test failure, if unknown.
inline channel::Amount BalanceAt(const settlement::evm::EthClient& chain,
                                 const crypto::EthAddress& account, uint64_t block) {
  auto balance = chain.GetBalance(account, block);
  EXPECT_TRUE(balance.ok()) << balance.status().ToString();
  return balance.ok() ? *balance : channel::Amount(0);
}

// What `account`'s transactions in blocks (from, to] paid for gas, and how
// many they were.
struct GasSpent {
  channel::Amount wei = 0;
  int transactions = 0;
};
inline GasSpent GasPaidBy(const settlement::evm::EthClient& chain,
                          const crypto::EthAddress& account, uint64_t from, uint64_t to) {
  GasSpent spent;
  const std::string sender = crypto::AddressToHex(account);
  for (uint64_t n = from + 1; n <= to; ++n) {
    char number[32];
    std::snprintf(number, sizeof number, "0x%llx", static_cast<unsigned long long>(n));
    auto block = chain.Rpc("eth_getBlockByNumber", {number, true});
    EXPECT_TRUE(block.ok()) << block.status().ToString();
    if (!block.ok()) return spent;
    for (const auto& tx : (*block)["transactions"]) {
      std::string from_address = tx["from"].get<std::string>();
      for (char& c : from_address) c = static_cast<char>(std::tolower(c));
      if (from_address != sender) continue;
      auto hash = FixedFromHex<32>(tx["hash"].get<std::string>().substr(2));
      auto receipt = chain.GetTransactionReceipt(hash.value());
      EXPECT_TRUE(receipt.ok() && receipt->has_value());
      if (receipt.ok() && receipt->has_value()) {
        spent.wei += channel::Amount((*receipt)->gas_used) * (*receipt)->effective_gas_price;
        ++spent.transactions;
      }
    }
  }
  return spent;
}

// Block time moves on by `seconds` in a new block (anvil mines only on
// transactions otherwise).
inline void AdvanceChainTime(const settlement::evm::EthClient& chain, uint64_t seconds) {
  auto latest = chain.GetBlock(settlement::evm::BlockTag::Latest());
  ASSERT_TRUE(latest.ok()) << latest.status().ToString();
  ASSERT_TRUE(chain.SetNextBlockTimestamp(latest->timestamp + seconds).ok());
  ASSERT_TRUE(chain.Mine(1).ok());
}

}  // namespace parley::e2e
