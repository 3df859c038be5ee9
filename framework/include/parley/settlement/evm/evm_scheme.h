// EvmScheme: channel ids, state hashes and signatures exactly as the EVM
// contracts compute and check them (docs/evm.md, contracts/ParleyTypes.sol):
//
//   channelId = keccak256(abi.encode(block.chainid, adjudicator, Params))
//   stateHash = keccak256(abi.encode(State))
//   signature = r || s || v, the ECDSA signature of stateHash (no prefix)
//
// The channel model maps onto the contracts' structs so:
//   a participant's PublicKey  -> its address (crypto::EthereumAddress)
//   asset "eth"                -> address(0), ether
//   asset "0x" + 40 lower-case hex digits, not all zero -> that ERC-20 token
//   Params::backend            -> not on chain; it must be "evm"
//
// Expressibility. A Params with another backend, or a State with an asset
// name that is neither of the above, has no on-chain counterpart. Callers
// check CheckExpressible first. Since ComputeChannelId and StateHash cannot
// fail, for such input they return Keccak-256 of the ASCII marker
// "parley/evm: inexpressible " followed by the canonical encoding
// (channel/encoding.h): distinct inputs still get distinct hashes, but what
// the contracts hash starts with a zero byte (the offset word 0x20 of a
// State, the chain id of a channel id), never with 'p', so no contract
// computes such a hash and no signature over one is accepted on chain.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parley/channel/scheme.h"
#include "parley/channel/types.h"
#include "parley/crypto/ecdsa.h"
#include "parley/settlement/evm/abi.h"
#include "parley/util/status.h"

namespace parley::settlement::evm {

inline constexpr std::string_view kBackendName = "evm";
inline constexpr std::string_view kEtherAsset = "eth";

class EvmScheme final : public channel::SignatureScheme {
 public:
  // The scheme of one deployment: the chain's id (EIP-155) and the address
  // of its Adjudicator contract. Both go into every channel id.
  EvmScheme(uint64_t chain_id, const crypto::EthAddress& adjudicator)
      : chain_id_(chain_id), adjudicator_(adjudicator) {}

  // "evm".
  std::string_view name() const override { return kBackendName; }

  // keccak256(abi.encode(uint256 chain_id, address adjudicator, Params)), or
  // the marker hash (above) if CheckExpressible(params) fails.
  channel::ChannelId ComputeChannelId(const channel::Params& params) const override;

  // keccak256(abi.encode(State)), or the marker hash (above) if
  // CheckExpressible(state) fails.
  Hash32 StateHash(const channel::State& state) const override;

  // 65 bytes r || s || v with v in {27, 28} and a low s (crypto::EcdsaSign).
  channel::Signature Sign(const crypto::PrivateKey& key, const Hash32& state_hash) const override;

  // True if `signature` recovers, from `state_hash`, a key whose address is
  // the address of `key` (what the contract's ecrecover checks). False for a
  // signature of the wrong size, with v outside {27, 28}, a high s, or by
  // another key.
  bool Verify(const crypto::PublicKey& key, const Hash32& state_hash,
              const channel::Signature& signature) const override;

  uint64_t chain_id() const { return chain_id_; }
  const crypto::EthAddress& adjudicator() const { return adjudicator_; }

 private:
  uint64_t chain_id_;
  crypto::EthAddress adjudicator_;
};

// The on-chain address of an asset name: address(0) for "eth", the token for
// "0x" followed by 40 lower-case hex digits. InvalidArgument for any other
// name, including the zero address spelled in hex (ether is "eth"), so that
// each address has exactly one name.
Result<crypto::EthAddress> AssetAddress(std::string_view asset);

// The asset name of an address: "eth" for address(0), "0x" and 40 lower-case
// hex digits otherwise. AssetAddress(AssetName(a)) == a.
std::string AssetName(const crypto::EthAddress& address);

// OK if `params` has an on-chain counterpart: its backend is "evm".
// InvalidArgument otherwise. (Well-formedness is ValidateParams's business.)
Status CheckExpressible(const channel::Params& params);

// OK if every asset of `state` has a name AssetAddress accepts;
// InvalidArgument naming the first that does not.
Status CheckExpressible(const channel::State& state);

// The ABI types of the contracts' structs and of a signature list:
//   ParamsType()     (address[],bytes32,uint64,string)
//   StateType()      (bytes32,uint64,(address,uint256[],(bytes32,uint256)[])[],bytes,bool)
//   SignaturesType() bytes[]
// ToString() gives the spelling for function signatures.
abi::Type ParamsType();
abi::Type StateType();
abi::Type SignaturesType();

// `params` as an abi::Value of ParamsType(). The backend is not part of it.
abi::Value ParamsValue(const channel::Params& params);

// `state` as an abi::Value of StateType(); InvalidArgument if
// CheckExpressible(state) fails.
Result<abi::Value> StateValue(const channel::State& state);

// A bytes[] value of `signatures`, in order.
abi::Value SignaturesValue(const std::vector<channel::Signature>& signatures);

// The State that `value` (of StateType(), e.g. from abi::Decode of a contract
// event) describes, asset addresses named by AssetName. InvalidArgument if
// `value` does not have the shape of StateType(). The state is not validated:
// ValidateState does that.
Result<channel::State> StateFromValue(const abi::Value& value);

// The signatures of a bytes[] value; InvalidArgument for another shape.
Result<std::vector<channel::Signature>> SignaturesFromValue(const abi::Value& value);

}  // namespace parley::settlement::evm
