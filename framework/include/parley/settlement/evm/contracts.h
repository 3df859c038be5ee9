// The contracts of the EVM backend (framework/settlement/evm/contracts/),
// compiled during the build by the pinned solc and embedded here.
#pragma once

#include <string_view>

namespace parley::settlement::evm {

struct ContractArtifact {
  std::string_view name;          // e.g. "Adjudicator"
  std::string_view bytecode_hex;  // creation code, without 0x
  std::string_view abi_json;      // solc's ABI
};

// The adjudicator and asset holder (one deployment): constructor(string[]
// apps, address[] rules).
extern const ContractArtifact kAdjudicator;
// App rules for force-moves, one per app with on-chain rules.
extern const ContractArtifact kPaymentRule;
extern const ContractArtifact kTicTacToeRule;
// An ERC-20 whose deployer mints: constructor(string name, string symbol).
extern const ContractArtifact kTestToken;

}  // namespace parley::settlement::evm
