#include "parley/settlement/evm/evm_scheme.h"

#include <algorithm>
#include <cassert>

#include "parley/channel/encoding.h"
#include "parley/crypto/hash.h"

namespace parley::settlement::evm {
namespace {

using abi::Type;
using abi::Value;

// What ComputeChannelId and StateHash hash, before the canonical encoding,
// for input the contracts cannot see (evm_scheme.h).
constexpr std::string_view kInexpressibleMarker = "parley/evm: inexpressible ";

template <typename T>
Hash32 InexpressibleHash(const T& input) {
  Bytes preimage(kInexpressibleMarker.begin(), kInexpressibleMarker.end());
  Bytes encoded = channel::Encode(input);
  preimage.insert(preimage.end(), encoded.begin(), encoded.end());
  return crypto::Keccak256(preimage);
}

Hash32 Keccak256OfEncoding(const std::vector<Type>& types, const std::vector<Value>& values) {
  // The values are built here to match their types, so encoding cannot fail.
  Result<Bytes> encoded = abi::Encode(types, values);
  assert(encoded.ok());
  return crypto::Keccak256(*encoded);
}

Value Bytes32(const Hash32& word) { return Bytes(word.begin(), word.end()); }

Hash32 ToHash32(const Value& bytes32) {
  const auto& bytes = std::get<Bytes>(bytes32.data);
  Hash32 word;
  std::copy(bytes.begin(), bytes.end(), word.begin());
  return word;
}

const Value::List& Items(const Value& value) { return std::get<Value::List>(value.data); }

Type LockedType() { return Type::Tuple({Type::FixedBytes(32), Type::Uint(256)}); }

Type AssetAllocationType() {
  return Type::Tuple({Type::Address(), Type::Array(Type::Uint(256)), Type::Array(LockedType())});
}

Result<Value> AssetAllocationValue(const channel::AssetAllocation& asset) {
  PARLEY_ASSIGN_OR_RETURN(crypto::EthAddress address, AssetAddress(asset.asset));
  Value::List balances(asset.balances.begin(), asset.balances.end());
  Value::List locked;
  for (const channel::Locked& entry : asset.locked) {
    locked.push_back(Value::List{Bytes32(entry.id), entry.amount});
  }
  return Value(Value::List{address, std::move(balances), std::move(locked)});
}

// Requires Validate(AssetAllocationType(), value).
channel::AssetAllocation AssetAllocationFromValue(const Value& value) {
  const Value::List& fields = Items(value);
  channel::AssetAllocation asset;
  asset.asset = AssetName(std::get<crypto::EthAddress>(fields[0].data));
  for (const Value& balance : Items(fields[1])) {
    asset.balances.push_back(std::get<channel::Amount>(balance.data));
  }
  for (const Value& locked : Items(fields[2])) {
    const Value::List& pair = Items(locked);
    asset.locked.push_back({ToHash32(pair[0]), std::get<channel::Amount>(pair[1].data)});
  }
  return asset;
}

}  // namespace

channel::ChannelId EvmScheme::ComputeChannelId(const channel::Params& params) const {
  if (!CheckExpressible(params).ok()) return InexpressibleHash(params);
  return Keccak256OfEncoding({Type::Uint(256), Type::Address(), ParamsType()},
                             {chain_id_, adjudicator_, ParamsValue(params)});
}

Hash32 EvmScheme::StateHash(const channel::State& state) const {
  Result<Value> value = StateValue(state);
  if (!value.ok()) return InexpressibleHash(state);
  return Keccak256OfEncoding({StateType()}, {*value});
}

channel::Signature EvmScheme::Sign(const crypto::PrivateKey& key, const Hash32& state_hash) const {
  crypto::RecoverableSignature signature = crypto::EcdsaSign(key, state_hash);
  return channel::Signature(signature.begin(), signature.end());
}

bool EvmScheme::Verify(const crypto::PublicKey& key, const Hash32& state_hash,
                       const channel::Signature& signature) const {
  Result<crypto::PublicKey> signer = crypto::EcdsaRecover(state_hash, signature);
  return signer.ok() && crypto::EthereumAddress(*signer) == crypto::EthereumAddress(key);
}

Result<crypto::EthAddress> AssetAddress(std::string_view asset) {
  if (asset == kEtherAsset) return crypto::EthAddress{};
  bool canonical = asset.size() == 42 && asset.starts_with("0x") &&
                   std::all_of(asset.begin() + 2, asset.end(), [](char c) {
                     return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                   });
  if (canonical) {
    Result<crypto::EthAddress> address = crypto::AddressFromHex(asset);
    if (address.ok() && *address != crypto::EthAddress{}) return address;
  }
  return Status::InvalidArgument(
      "the EVM backend knows no asset '" + std::string(asset) +
      "': name ether \"eth\" and an ERC-20 token by its non-zero address, "
      "\"0x\" and 40 lower-case hex digits");
}

std::string AssetName(const crypto::EthAddress& address) {
  if (address == crypto::EthAddress{}) return std::string(kEtherAsset);
  return crypto::AddressToHex(address);
}

Status CheckExpressible(const channel::Params& params) {
  if (params.backend == kBackendName) return Status::Ok();
  return Status::InvalidArgument("the channel settles on '" + params.backend + "', not on '" +
                                 std::string(kBackendName) + "'");
}

Status CheckExpressible(const channel::State& state) {
  for (const channel::AssetAllocation& asset : state.allocation.assets) {
    PARLEY_RETURN_IF_ERROR(AssetAddress(asset.asset).status());
  }
  return Status::Ok();
}

Type ParamsType() {
  return Type::Tuple(
      {Type::Array(Type::Address()), Type::FixedBytes(32), Type::Uint(64), Type::String()});
}

Type StateType() {
  return Type::Tuple({Type::FixedBytes(32), Type::Uint(64), Type::Array(AssetAllocationType()),
                      Type::DynamicBytes(), Type::Bool()});
}

Type SignaturesType() { return Type::Array(Type::DynamicBytes()); }

Value ParamsValue(const channel::Params& params) {
  Value::List participants;
  for (const crypto::PublicKey& key : params.participants) {
    participants.push_back(crypto::EthereumAddress(key));
  }
  return Value::List{std::move(participants), Bytes32(params.nonce), params.challenge_duration,
                     params.app};
}

Result<Value> StateValue(const channel::State& state) {
  Value::List assets;
  for (const channel::AssetAllocation& asset : state.allocation.assets) {
    PARLEY_ASSIGN_OR_RETURN(Value value, AssetAllocationValue(asset));
    assets.push_back(std::move(value));
  }
  return Value(Value::List{Bytes32(state.channel_id), state.version, std::move(assets),
                           state.app_data, state.is_final});
}

Value SignaturesValue(const std::vector<channel::Signature>& signatures) {
  return Value::List(signatures.begin(), signatures.end());
}

Result<channel::State> StateFromValue(const Value& value) {
  PARLEY_RETURN_IF_ERROR(abi::Validate(StateType(), value).WithContext("not an EVM state"));
  const Value::List& fields = Items(value);
  channel::State state;
  state.channel_id = ToHash32(fields[0]);
  state.version = static_cast<uint64_t>(std::get<channel::Amount>(fields[1].data));
  for (const Value& asset : Items(fields[2])) {
    state.allocation.assets.push_back(AssetAllocationFromValue(asset));
  }
  state.app_data = std::get<Bytes>(fields[3].data);
  state.is_final = std::get<bool>(fields[4].data);
  return state;
}

Result<std::vector<channel::Signature>> SignaturesFromValue(const Value& value) {
  PARLEY_RETURN_IF_ERROR(
      abi::Validate(SignaturesType(), value).WithContext("not a list of signatures"));
  std::vector<channel::Signature> signatures;
  for (const Value& signature : Items(value)) signatures.push_back(std::get<Bytes>(signature.data));
  return signatures;
}

}  // namespace parley::settlement::evm
