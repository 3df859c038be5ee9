// Putting the contracts on a chain (parley evm deploy, tests, benchmarks).
#pragma once

#include <string>

#include "parley/settlement/evm/tx_sender.h"

namespace parley::settlement::evm {

struct Deployment {
  crypto::EthAddress adjudicator{};
  crypto::EthAddress payment_rule{};
  crypto::EthAddress tictactoe_rule{};
};

// Deploys the app rules (payment, tictactoe) and an Adjudicator that judges
// them, paid by `sender`'s account.
Result<Deployment> DeployContracts(TxSender& sender);

// The block in which the contract at `contract` was created, found by
// bisection over eth_getCode at past blocks. NotFound if there is no code
// there now; the node's error if it cannot answer for past blocks (a node
// that keeps only recent state).
Result<uint64_t> FindDeploymentBlock(const EthClient& chain, const crypto::EthAddress& contract);

// Deploys a TestToken (an ERC-20 that `sender` mints).
Result<crypto::EthAddress> DeployTestToken(TxSender& sender, const std::string& name,
                                           const std::string& symbol);

// Mints `amount` of a TestToken to `to`; `minter` must be its deployer.
Status MintTestToken(TxSender& minter, const crypto::EthAddress& token,
                     const crypto::EthAddress& to, const channel::Amount& amount);

// The ERC-20 balance of `account`.
Result<channel::Amount> TokenBalance(const EthClient& chain, const crypto::EthAddress& token,
                                     const crypto::EthAddress& account);

}  // namespace parley::settlement::evm
