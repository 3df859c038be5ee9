// The EVM signature scheme (settlement/evm/evm_scheme.h).
//
// The golden tests pin the bytes the contracts hash (docs/evm.md). Each
// expected encoding is written word by word from the ABI specification's
// head/tail rules, not copied from the encoder's output: offsets count bytes
// from the start of the enclosing tuple's or array's contents.
#include "parley/settlement/evm/evm_scheme.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "parley/channel/encoding.h"
#include "parley/crypto/hash.h"
#include "testing/status_matchers.h"

namespace parley::settlement::evm {
namespace {

using channel::Amount;

crypto::PrivateKey KeyFromScalar(size_t scalar) {
  char hex[65];
  snprintf(hex, sizeof hex, "%064zx", scalar);
  return crypto::PrivateKey::FromHex(hex).value();
}

Hash32 Filled(uint8_t byte) {
  Hash32 h;
  h.fill(byte);
  return h;
}

crypto::EthAddress Address(std::string_view hex) { return crypto::AddressFromHex(hex).value(); }

// anvil's chain id, and the address of the first contract its first account
// deploys.
constexpr uint64_t kChainId = 31337;
const crypto::EthAddress kAdjudicator = Address("0x5fbdb2315678afecb367f032d93f642f64180aa3");
constexpr char kToken[] = "0xcccccccccccccccccccccccccccccccccccccccc";

// Private keys 1 and 2, nonce 0xaa.., challenge 10, "payment" on "evm".
channel::Params GoldenParams() {
  channel::Params params;
  params.participants = {KeyFromScalar(1).public_key(), KeyFromScalar(2).public_key()};
  params.nonce = Filled(0xaa);
  params.challenge_duration = 10;
  params.app = "payment";
  params.backend = "evm";
  return params;
}

// Channel 0x11.., version 5; ether with balances 100 and 256 and 7 locked
// under id 0x22..; the token 0xcc.. with balances 1 and 2; app_data 01 02;
// final.
channel::State GoldenState() {
  channel::State state;
  state.channel_id = Filled(0x11);
  state.version = 5;
  state.allocation.assets = {{"eth", {Amount(100), Amount(256)}, {{Filled(0x22), Amount(7)}}},
                             {kToken, {Amount(1), Amount(2)}, {}}};
  state.app_data = {0x01, 0x02};
  state.is_final = true;
  return state;
}

// abi.encode(uint256 31337, address adjudicator, Params GoldenParams()).
constexpr char kGoldenChannelIdPreimage[] =
    // 0x000 chain id 31337
    "0000000000000000000000000000000000000000000000000000000000007a69"
    // 0x020 the adjudicator
    "0000000000000000000000005fbdb2315678afecb367f032d93f642f64180aa3"
    // 0x040 offset of Params (dynamic): after the 3 heads
    "0000000000000000000000000000000000000000000000000000000000000060"
    // Params, 0x060: 4 heads (0x80 bytes), then participants and app.
    //   offset of participants = 0x80
    "0000000000000000000000000000000000000000000000000000000000000080"
    //   nonce
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    //   challengeDuration 10
    "000000000000000000000000000000000000000000000000000000000000000a"
    //   offset of app = 0x80 + 3 words of participants = 0xe0
    "00000000000000000000000000000000000000000000000000000000000000e0"
    //   participants: 2, then the addresses of keys 1 and 2
    "0000000000000000000000000000000000000000000000000000000000000002"
    "0000000000000000000000007e5f4552091a69125d5dfcb7b8c2659029395bdf"
    "0000000000000000000000002b5ad5c4795c026514f8317c7a215e218dccd6cf"
    //   app: 7 bytes, "payment"
    "0000000000000000000000000000000000000000000000000000000000000007"
    "7061796d656e7400000000000000000000000000000000000000000000000000";

// abi.encode(State GoldenState()).
constexpr char kGoldenStatePreimage[] =
    // 0x000 offset of State (dynamic)
    "0000000000000000000000000000000000000000000000000000000000000020"
    // State, 0x020: 5 heads (0xa0 bytes), then allocation and appData.
    //   channelId
    "1111111111111111111111111111111111111111111111111111111111111111"
    //   version 5
    "0000000000000000000000000000000000000000000000000000000000000005"
    //   offset of allocation = 0xa0
    "00000000000000000000000000000000000000000000000000000000000000a0"
    //   offset of appData = 0xa0 + 19 words of allocation (0x260) = 0x300
    "0000000000000000000000000000000000000000000000000000000000000300"
    //   isFinal
    "0000000000000000000000000000000000000000000000000000000000000001"
    //   allocation: 2 assets, then their offsets (from after the count):
    "0000000000000000000000000000000000000000000000000000000000000002"
    //     ether after the 2 offsets: 0x40
    "0000000000000000000000000000000000000000000000000000000000000040"
    //     the token after ether's 9 words: 0x40 + 0x120 = 0x160
    "0000000000000000000000000000000000000000000000000000000000000160"
    //     ether: 3 heads (0x60 bytes), then balances and locked.
    //       asset address(0)
    "0000000000000000000000000000000000000000000000000000000000000000"
    //       offset of balances = 0x60
    "0000000000000000000000000000000000000000000000000000000000000060"
    //       offset of locked = 0x60 + 3 words of balances = 0xc0
    "00000000000000000000000000000000000000000000000000000000000000c0"
    //       balances: 2, 100, 256
    "0000000000000000000000000000000000000000000000000000000000000002"
    "0000000000000000000000000000000000000000000000000000000000000064"
    "0000000000000000000000000000000000000000000000000000000000000100"
    //       locked: 1, then the static Locked in place: id, amount 7
    "0000000000000000000000000000000000000000000000000000000000000001"
    "2222222222222222222222222222222222222222222222222222222222222222"
    "0000000000000000000000000000000000000000000000000000000000000007"
    //     the token: 3 heads, then balances and locked.
    //       asset 0xcc..
    "000000000000000000000000cccccccccccccccccccccccccccccccccccccccc"
    //       offset of balances = 0x60
    "0000000000000000000000000000000000000000000000000000000000000060"
    //       offset of locked = 0xc0
    "00000000000000000000000000000000000000000000000000000000000000c0"
    //       balances: 2, 1, 2
    "0000000000000000000000000000000000000000000000000000000000000002"
    "0000000000000000000000000000000000000000000000000000000000000001"
    "0000000000000000000000000000000000000000000000000000000000000002"
    //       locked: none
    "0000000000000000000000000000000000000000000000000000000000000000"
    //   appData: 2 bytes, 01 02
    "0000000000000000000000000000000000000000000000000000000000000002"
    "0102000000000000000000000000000000000000000000000000000000000000";

Hash32 KeccakOfHex(std::string_view hex) { return crypto::Keccak256(FromHex(hex).value()); }

// ---------------------------------------------------------------------------
// The bytes the contracts hash

TEST(EvmSchemeEncoding, TypeStrings) {
  EXPECT_EQ(ParamsType().ToString(), "(address[],bytes32,uint64,string)");
  EXPECT_EQ(StateType().ToString(),
            "(bytes32,uint64,(address,uint256[],(bytes32,uint256)[])[],bytes,bool)");
  EXPECT_EQ(SignaturesType().ToString(), "bytes[]");
}

TEST(EvmSchemeEncoding, ParamsPreimage) {
  auto encoded = abi::Encode({abi::Type::Uint(256), abi::Type::Address(), ParamsType()},
                             {kChainId, kAdjudicator, ParamsValue(GoldenParams())});
  ASSERT_OK(encoded.status());
  EXPECT_EQ(ToHex(*encoded), kGoldenChannelIdPreimage);
}

TEST(EvmSchemeEncoding, ChannelIdIsKeccakOfThePreimage) {
  EvmScheme scheme(kChainId, kAdjudicator);
  EXPECT_EQ(scheme.ComputeChannelId(GoldenParams()), KeccakOfHex(kGoldenChannelIdPreimage));
}

TEST(EvmSchemeEncoding, StatePreimage) {
  auto value = StateValue(GoldenState());
  ASSERT_OK(value.status());
  auto encoded = abi::Encode({StateType()}, {*value});
  ASSERT_OK(encoded.status());
  EXPECT_EQ(ToHex(*encoded), kGoldenStatePreimage);
}

TEST(EvmSchemeEncoding, StateHashIsKeccakOfThePreimage) {
  EvmScheme scheme(kChainId, kAdjudicator);
  EXPECT_EQ(scheme.StateHash(GoldenState()), KeccakOfHex(kGoldenStatePreimage));
}

TEST(EvmSchemeEncoding, StateHashDoesNotDependOnTheDeployment) {
  // The channel id inside the state already names the deployment.
  EXPECT_EQ(EvmScheme(1, kAdjudicator).StateHash(GoldenState()),
            EvmScheme(kChainId, crypto::EthAddress{}).StateHash(GoldenState()));
}

TEST(EvmSchemeEncoding, ChannelIdNamesTheDeployment) {
  channel::Params params = GoldenParams();
  channel::ChannelId id = EvmScheme(kChainId, kAdjudicator).ComputeChannelId(params);
  EXPECT_NE(EvmScheme(1, kAdjudicator).ComputeChannelId(params), id);
  crypto::EthAddress other = kAdjudicator;
  other[19] ^= 1;
  EXPECT_NE(EvmScheme(kChainId, other).ComputeChannelId(params), id);
}

TEST(EvmSchemeEncoding, ChannelIdCoversEveryField) {
  EvmScheme scheme(kChainId, kAdjudicator);
  channel::ChannelId id = scheme.ComputeChannelId(GoldenParams());
  channel::Params p = GoldenParams();
  std::swap(p.participants[0], p.participants[1]);
  EXPECT_NE(scheme.ComputeChannelId(p), id);
  p = GoldenParams();
  p.nonce[31] ^= 1;
  EXPECT_NE(scheme.ComputeChannelId(p), id);
  p = GoldenParams();
  p.challenge_duration = 11;
  EXPECT_NE(scheme.ComputeChannelId(p), id);
  p = GoldenParams();
  p.app = "tictactoe";
  EXPECT_NE(scheme.ComputeChannelId(p), id);
}

// ---------------------------------------------------------------------------
// Signatures

TEST(EvmSchemeSignature, SignsAndVerifies) {
  EvmScheme scheme(kChainId, kAdjudicator);
  crypto::PrivateKey key = KeyFromScalar(1);
  Hash32 hash = scheme.StateHash(GoldenState());
  channel::Signature signature = scheme.Sign(key, hash);
  ASSERT_EQ(signature.size(), 65u);
  EXPECT_TRUE(signature[64] == 27 || signature[64] == 28);
  EXPECT_TRUE(scheme.Verify(key.public_key(), hash, signature));
  EXPECT_EQ(scheme.name(), "evm");
}

TEST(EvmSchemeSignature, RefusesAnotherKeyOrHash) {
  EvmScheme scheme(kChainId, kAdjudicator);
  Hash32 hash = scheme.StateHash(GoldenState());
  channel::Signature signature = scheme.Sign(KeyFromScalar(1), hash);
  EXPECT_FALSE(scheme.Verify(KeyFromScalar(2).public_key(), hash, signature));
  Hash32 other = hash;
  other[0] ^= 1;
  EXPECT_FALSE(scheme.Verify(KeyFromScalar(1).public_key(), other, signature));
}

TEST(EvmSchemeSignature, RefusesAlteredOrMalformedSignatures) {
  EvmScheme scheme(kChainId, kAdjudicator);
  crypto::PublicKey key = KeyFromScalar(1).public_key();
  Hash32 hash = scheme.StateHash(GoldenState());
  const channel::Signature signature = scheme.Sign(KeyFromScalar(1), hash);
  for (size_t i : {0, 31, 32, 63, 64}) {
    channel::Signature altered = signature;
    altered[i] ^= 1;
    EXPECT_FALSE(scheme.Verify(key, hash, altered)) << "byte " << i;
  }
  channel::Signature v_high = signature;
  v_high[64] = 29;
  EXPECT_FALSE(scheme.Verify(key, hash, v_high));
  EXPECT_FALSE(
      scheme.Verify(key, hash, channel::Signature(signature.begin(), signature.end() - 1)));
  channel::Signature longer = signature;
  longer.push_back(0);
  EXPECT_FALSE(scheme.Verify(key, hash, longer));
  EXPECT_FALSE(scheme.Verify(key, hash, {}));
  EXPECT_FALSE(scheme.Verify(key, hash, channel::Signature(65, 0)));
}

// ---------------------------------------------------------------------------
// Assets and expressibility

TEST(EvmSchemeAsset, NamesAndAddresses) {
  ASSERT_OK(AssetAddress("eth").status());
  EXPECT_EQ(*AssetAddress("eth"), crypto::EthAddress{});
  EXPECT_EQ(AssetName(crypto::EthAddress{}), "eth");
  ASSERT_OK(AssetAddress(kToken).status());
  EXPECT_EQ(*AssetAddress(kToken), Address(kToken));
  EXPECT_EQ(AssetName(Address(kToken)), kToken);
}

TEST(EvmSchemeAsset, RefusesOtherNames) {
  for (const char* name :
       {"", "native", "ETH", "0xCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC",
        "0xcccccccccccccccccccccccccccccccccccccc", "0xcccccccccccccccccccccccccccccccccccccccccc",
        "cccccccccccccccccccccccccccccccccccccccccc", "0xgccccccccccccccccccccccccccccccccccccccc",
        "0x0000000000000000000000000000000000000000"}) {
    EXPECT_CODE(AssetAddress(name).status(), StatusCode::kInvalidArgument) << name;
  }
}

TEST(EvmSchemeExpressible, AcceptsTheGoldenValues) {
  EXPECT_OK(CheckExpressible(GoldenParams()));
  EXPECT_OK(CheckExpressible(GoldenState()));
}

TEST(EvmSchemeExpressible, RefusesAnotherBackend) {
  channel::Params params = GoldenParams();
  params.backend = "sim";
  EXPECT_CODE(CheckExpressible(params), StatusCode::kInvalidArgument);
  // Its id is the marker hash: not the one the contract computes for the same
  // on-chain Params, and still distinct per input.
  EvmScheme scheme(kChainId, kAdjudicator);
  EXPECT_NE(scheme.ComputeChannelId(params), scheme.ComputeChannelId(GoldenParams()));
  channel::Params other = params;
  other.nonce[0] ^= 1;
  EXPECT_NE(scheme.ComputeChannelId(other), scheme.ComputeChannelId(params));
  EXPECT_EQ(scheme.ComputeChannelId(params), scheme.ComputeChannelId(params));
}

TEST(EvmSchemeExpressible, RefusesUnknownAssets) {
  channel::State state = GoldenState();
  state.allocation.assets[1].asset = "native";
  EXPECT_CODE(CheckExpressible(state), StatusCode::kInvalidArgument);
  EXPECT_CODE(StateValue(state).status(), StatusCode::kInvalidArgument);
  // The hash is the marker hash: distinct from every expressible state's and
  // per input.
  EvmScheme scheme(kChainId, kAdjudicator);
  Hash32 hash = scheme.StateHash(state);
  EXPECT_EQ(scheme.StateHash(state), hash);
  channel::State expressible = GoldenState();
  expressible.allocation.assets[1].asset = "0x" + std::string(40, '1');
  EXPECT_NE(scheme.StateHash(expressible), hash);
  channel::State later = state;
  later.version = 6;
  EXPECT_NE(scheme.StateHash(later), hash);
  std::string marker = "parley/evm: inexpressible ";
  Bytes preimage(marker.begin(), marker.end());
  Bytes encoded = channel::Encode(state);
  preimage.insert(preimage.end(), encoded.begin(), encoded.end());
  EXPECT_EQ(hash, crypto::Keccak256(preimage));
}

// ---------------------------------------------------------------------------
// Back from ABI values

TEST(EvmSchemeValue, StateRoundTripsThroughTheEncoding) {
  channel::State state = GoldenState();
  state.allocation.assets[0].balances[1] = ~Amount(0);
  state.version = ~uint64_t{0};
  Bytes encoded = abi::Encode({StateType()}, {StateValue(state).value()}).value();
  auto decoded = abi::Decode({StateType()}, encoded);
  ASSERT_OK(decoded.status());
  auto back = StateFromValue((*decoded)[0]);
  ASSERT_OK(back.status());
  EXPECT_EQ(*back, state);
}

TEST(EvmSchemeValue, EmptyStateRoundTrips) {
  channel::State state;
  auto back = StateFromValue(StateValue(state).value());
  ASSERT_OK(back.status());
  EXPECT_EQ(*back, state);
}

TEST(EvmSchemeValue, RefusesValuesOfAnotherShape) {
  EXPECT_CODE(StateFromValue(abi::Value(5)).status(), StatusCode::kInvalidArgument);
  EXPECT_CODE(StateFromValue(ParamsValue(GoldenParams())).status(), StatusCode::kInvalidArgument);
  abi::Value value = StateValue(GoldenState()).value();
  std::get<abi::Value::List>(value.data)[1] = Amount(1) << 64;  // version beyond uint64
  EXPECT_CODE(StateFromValue(value).status(), StatusCode::kInvalidArgument);
  EXPECT_CODE(SignaturesFromValue(abi::Value("text")).status(), StatusCode::kInvalidArgument);
}

TEST(EvmSchemeValue, SignaturesRoundTrip) {
  std::vector<channel::Signature> signatures = {channel::Signature(65, 0x01), {}, {0x02}};
  abi::Value value = SignaturesValue(signatures);
  Bytes encoded = abi::Encode({SignaturesType()}, {value}).value();
  auto decoded = abi::Decode({SignaturesType()}, encoded);
  ASSERT_OK(decoded.status());
  auto back = SignaturesFromValue((*decoded)[0]);
  ASSERT_OK(back.status());
  EXPECT_EQ(*back, signatures);
}

}  // namespace
}  // namespace parley::settlement::evm
