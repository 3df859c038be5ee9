// The Adjudicator's and the test token's functions and events, spelled as
// their selectors and topics are computed (contracts/*.sol).
#pragma once

#include <string>

#include "parley/settlement/evm/abi.h"
#include "parley/settlement/evm/evm_scheme.h"

namespace parley::settlement::evm::contract {

inline std::string P() { return ParamsType().ToString(); }
inline std::string S() { return StateType().ToString(); }

inline std::string Deposit() { return "deposit(" + P() + ",uint256,address,uint256)"; }
inline std::string Deposits() { return "deposits(" + P() + ",address)"; }
inline std::string Register() { return "register(" + P() + "," + S() + ",bytes[])"; }
inline std::string Progress() {
  return "progress(" + P() + "," + S() + "," + S() + ",uint256,bytes)";
}
inline std::string Conclude() { return "conclude(" + P() + "," + S() + ")"; }
inline std::string ConcludeAndWithdrawAll() {
  return "concludeAndWithdrawAll(" + P() + "," + S() + ")";
}
inline std::string ConcludeFinal() { return "concludeFinal(" + P() + "," + S() + ",bytes[])"; }
inline std::string Withdraw() { return "withdraw(" + P() + ",uint256)"; }
inline const char* kDispute = "dispute(bytes32)";
// What dispute(bytes32) returns: (stateHash, version, timeout, progressing,
// concluded, holdsEther, withdrawn).
inline abi::Type DisputeType() {
  using abi::Type;
  return Type::Tuple({Type::FixedBytes(32), Type::Uint(64), Type::Uint(64), Type::Bool(),
                      Type::Bool(), Type::Bool(), Type::Uint(16)});
}

inline std::string DepositedEvent() { return "Deposited(bytes32,uint256,address,uint256)"; }
inline std::string WithdrawnEvent() { return "Withdrawn(bytes32,uint256,address,uint256)"; }
inline std::string RegisteredEvent() {
  return "Registered(bytes32,uint64,uint64," + S() + ",bytes[])";
}
inline std::string ProgressedEvent() {
  return "Progressed(bytes32,uint64,uint64,uint256," + S() + ",bytes[])";
}
inline std::string ConcludedEvent() { return "Concluded(bytes32,uint64)"; }

inline const char* kApprove = "approve(address,uint256)";
inline const char* kBalanceOf = "balanceOf(address)";
inline const char* kMint = "mint(address,uint256)";

}  // namespace parley::settlement::evm::contract
