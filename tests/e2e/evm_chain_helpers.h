// Reading an anvil chain in end-to-end tests: an account's balance at a
// block, the gas its transactions paid, and block time moved on by hand.
#pragma once

#include <gtest/gtest.h>

#include <cctype>
#include <cstdio>
#include <string>

#include "parley/channel/amount.h"
#include "parley/crypto/ecdsa.h"
#include "parley/settlement/evm/eth_client.h"

namespace parley::e2e {

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
