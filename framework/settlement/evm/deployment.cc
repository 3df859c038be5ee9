#include "parley/settlement/evm/deployment.h"

#include "contract_abi.h"
#include "parley/settlement/evm/abi.h"
#include "parley/settlement/evm/contracts.h"

namespace parley::settlement::evm {

using abi::Type;
using abi::Value;

namespace {

// Creates `artifact` with the constructor arguments `args` of `types`.
Result<crypto::EthAddress> Create(TxSender& sender, const ContractArtifact& artifact,
                                  const std::vector<Type>& types, const std::vector<Value>& args) {
  PARLEY_ASSIGN_OR_RETURN(Bytes code, FromHex(artifact.bytecode_hex));
  PARLEY_ASSIGN_OR_RETURN(Bytes encoded_args, abi::Encode(types, args));
  code.insert(code.end(), encoded_args.begin(), encoded_args.end());
  auto receipt = sender.Send(std::nullopt, code);
  if (!receipt.ok()) {
    return receipt.status().WithContext("deploying " + std::string(artifact.name));
  }
  if (!receipt->contract_address) {
    return Status::Internal("deploying " + std::string(artifact.name) +
                            ": the receipt names no contract");
  }
  return *receipt->contract_address;
}

Result<bool> HasCodeAt(const EthClient& chain, const crypto::EthAddress& contract,
                       const BlockTag& block) {
  PARLEY_ASSIGN_OR_RETURN(nlohmann::json code,
                          chain.Rpc("eth_getCode", {crypto::AddressToHex(contract), block.rpc()}));
  if (!code.is_string()) {
    return Status::InvalidArgument("eth_getCode from " + chain.endpoint() + " is not a string");
  }
  return code.get<std::string>().size() > 2;  // "0x" for no code
}

}  // namespace

Result<Deployment> DeployContracts(TxSender& sender) {
  Deployment d;
  PARLEY_ASSIGN_OR_RETURN(d.payment_rule, Create(sender, kPaymentRule, {}, {}));
  PARLEY_ASSIGN_OR_RETURN(d.tictactoe_rule, Create(sender, kTicTacToeRule, {}, {}));
  Value apps = Value::List{Value("payment"), Value("tictactoe")};
  Value rules = Value::List{Value(d.payment_rule), Value(d.tictactoe_rule)};
  PARLEY_ASSIGN_OR_RETURN(
      d.adjudicator,
      Create(sender, kAdjudicator, {Type::Array(Type::String()), Type::Array(Type::Address())},
             {apps, rules}));
  return d;
}

Result<uint64_t> FindDeploymentBlock(const EthClient& chain, const crypto::EthAddress& contract) {
  PARLEY_ASSIGN_OR_RETURN(uint64_t high, chain.BlockNumber());
  PARLEY_ASSIGN_OR_RETURN(bool deployed, HasCodeAt(chain, contract, high));
  if (!deployed) {
    return Status::NotFound("no contract at " + crypto::AddressToHex(contract) + " on " +
                            chain.endpoint());
  }
  uint64_t low = 0;  // invariant: code at `high`; none before `low`
  while (low < high) {
    uint64_t middle = low + (high - low) / 2;
    PARLEY_ASSIGN_OR_RETURN(bool there, HasCodeAt(chain, contract, middle));
    if (there) {
      high = middle;
    } else {
      low = middle + 1;
    }
  }
  return high;
}

Result<crypto::EthAddress> DeployTestToken(TxSender& sender, const std::string& name,
                                           const std::string& symbol) {
  return Create(sender, kTestToken, {Type::String(), Type::String()}, {name, symbol});
}

Status MintTestToken(TxSender& minter, const crypto::EthAddress& token,
                     const crypto::EthAddress& to, const channel::Amount& amount) {
  PARLEY_ASSIGN_OR_RETURN(Bytes call, abi::EncodeCall(contract::kMint, {to, amount}));
  return minter.Send(token, call).status();
}

Result<channel::Amount> TokenBalance(const EthClient& chain, const crypto::EthAddress& token,
                                     const crypto::EthAddress& account) {
  PARLEY_ASSIGN_OR_RETURN(Bytes call, abi::EncodeCall(contract::kBalanceOf, {account}));
  PARLEY_ASSIGN_OR_RETURN(Bytes reply, chain.Call({.to = token, .data = call}));
  PARLEY_ASSIGN_OR_RETURN(auto values, abi::Decode({Type::Uint(256)}, reply));
  return std::get<channel::Amount>(values[0].data);
}

}  // namespace parley::settlement::evm
