// Canonical encodings of the channel model (channel/encoding.h) and the
// BIP340 signature scheme built on them (channel/scheme.h).
//
// The golden-byte tests pin the layout documented in encoding.h; a change to
// any of them is a protocol change. Each expected string is written field by
// field from that layout (and the rules of util/codec.h: big-endian integers,
// u32 counts and lengths), not copied from the encoder's output.
#include "parley/channel/encoding.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "parley/channel/scheme.h"
#include "parley/channel/types.h"
#include "parley/crypto/hash.h"
#include "parley/crypto/keys.h"

namespace parley::channel {
namespace {

crypto::PrivateKey KeyFromScalar(size_t scalar) {
  char hex[65];
  snprintf(hex, sizeof hex, "%064zx", scalar);
  return crypto::PrivateKey::FromHex(hex).value();
}

std::vector<crypto::PublicKey> Keys(size_t n) {
  std::vector<crypto::PublicKey> keys;
  for (size_t i = 1; i <= n; ++i) keys.push_back(KeyFromScalar(i).public_key());
  return keys;
}

Hash32 Filled(uint8_t byte) {
  Hash32 h;
  h.fill(byte);
  return h;
}

// Private keys 1 and 2, nonce 0xaa.., challenge 10, "payment" on "sim".
Params GoldenParams() {
  Params params;
  params.participants = Keys(2);
  params.nonce = Filled(0xaa);
  params.challenge_duration = 10;
  params.app = "payment";
  params.backend = "sim";
  return params;
}

// Channel 0x11.., version 5, one asset "native" with balances 100 and 256 and
// a locked 7 under id 0x22.., app_data 01 02, final.
State GoldenState() {
  State state;
  state.channel_id = Filled(0x11);
  state.version = 5;
  state.allocation.assets.push_back(
      {"native", {Amount(100), Amount(256)}, {{Filled(0x22), Amount(7)}}});
  state.app_data = {0x01, 0x02};
  state.is_final = true;
  return state;
}

// 64 bytes 00 01 02 .. 3f.
Signature GoldenSignature() {
  Signature sig;
  for (int i = 0; i < 64; ++i) sig.push_back(static_cast<uint8_t>(i));
  return sig;
}

// GoldenState, signed by participant 0 only.
SignedState GoldenSignedState() { return {GoldenState(), {GoldenSignature(), std::nullopt}}; }

// The encoding of GoldenState, field by field.
constexpr char kGoldenStateHex[] =
    // channel_id(32) = 0x11 * 32
    "1111111111111111111111111111111111111111111111111111111111111111"
    // version(u64) = 5
    "0000000000000005"
    // Allocation: count(assets) = 1
    "00000001"
    //   var(asset) = len 6, "native"
    "00000006"
    "6e6174697665"
    //   count(balances) = 2
    "00000002"
    //   amount(32) = 100 = 0x64
    "0000000000000000000000000000000000000000000000000000000000000064"
    //   amount(32) = 256 = 0x0100
    "0000000000000000000000000000000000000000000000000000000000000100"
    //   count(locked) = 1
    "00000001"
    //   id(32) = 0x22 * 32
    "2222222222222222222222222222222222222222222222222222222222222222"
    //   amount(32) = 7
    "0000000000000000000000000000000000000000000000000000000000000007"
    // var(app_data) = len 2, 01 02
    "00000002"
    "0102"
    // is_final(u8) = 1
    "01";

TEST(EncodingGoldenTest, Params) {
  const std::string expected =
      // count(participants) = 2
      "00000002"
      // key 1: 1*G, compressed (even y)
      "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
      // key 2: 2*G, compressed (even y)
      "02c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5"
      // nonce(32) = 0xaa * 32
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
      // challenge(u64) = 10
      "000000000000000a"
      // var(app) = len 7, "payment"
      "00000007"
      "7061796d656e74"
      // var(backend) = len 3, "sim"
      "00000003"
      "73696d";
  EXPECT_EQ(ToHex(Encode(GoldenParams())), expected);
  EXPECT_EQ(Encode(GoldenParams()).size(), 4 + 2 * 33 + 32 + 8 + (4 + 7) + (4 + 3));
}

TEST(EncodingGoldenTest, State) {
  EXPECT_EQ(ToHex(Encode(GoldenState())), kGoldenStateHex);
  EXPECT_EQ(Encode(GoldenState()).size(),
            32 + 8 + 4 + (4 + 6) + 4 + 2 * 32 + 4 + (32 + 32) + (4 + 2) + 1);
}

TEST(EncodingGoldenTest, StateNotFinalEndsInZero) {
  State state = GoldenState();
  state.is_final = false;
  std::string hex = ToHex(Encode(state));
  std::string golden = kGoldenStateHex;
  EXPECT_EQ(hex, golden.substr(0, golden.size() - 2) + "00");
}

TEST(EncodingGoldenTest, SignedState) {
  const std::string expected = std::string() +
                               // var(State): length 197 = 0xc5, then the state
                               "000000c5" + kGoldenStateHex +
                               // count(sigs) = 2
                               "00000002"
                               // sig 0: present(u8) = 1, var(sig) = len 64, 00 01 .. 3f
                               "01"
                               "00000040"
                               "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
                               "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
                               // sig 1: present(u8) = 0
                               "00";
  EXPECT_EQ(ToHex(Encode(GoldenSignedState())), expected);
}

TEST(EncodingGoldenTest, Allocation) {
  Allocation allocation;
  allocation.assets.push_back({"a", {Amount(1)}, {}});
  allocation.assets.push_back({"", {}, {}});
  const std::string expected =
      // count(assets) = 2
      "00000002"
      // asset 0: var("a"), count(balances) = 1, amount 1, count(locked) = 0
      "00000001"
      "61"
      "00000001"
      "0000000000000000000000000000000000000000000000000000000000000001"
      "00000000"
      // asset 1: var(""), count(balances) = 0, count(locked) = 0
      "00000000"
      "00000000"
      "00000000";
  EXPECT_EQ(ToHex(Encode(allocation)), expected);
}

// ---- Round trips --------------------------------------------------------------

template <typename T>
void ExpectRoundTrip(const T& value, const char* what) {
  Bytes bytes = Encode(value);
  auto decoded = Decode<T>(bytes, what);
  ASSERT_TRUE(decoded.ok()) << what << ": " << decoded.status().ToString();
  EXPECT_EQ(*decoded, value) << what;
  EXPECT_EQ(Encode(*decoded), bytes) << what << ": re-encoding differs";
}

TEST(EncodingRoundTripTest, Params) {
  ExpectRoundTrip(GoldenParams(), "params");

  Params max = GoldenParams();
  max.participants = Keys(kMaxParticipants);
  max.challenge_duration = UINT64_MAX;
  max.app = std::string(kMaxNameLength, 'a');
  max.backend = std::string(kMaxNameLength, 'b');
  ExpectRoundTrip(max, "params");

  // An odd-y key (the compressed prefix 03) survives too.
  Params odd = GoldenParams();
  for (size_t scalar = 3; odd.participants[0].bytes()[0] != 0x03; ++scalar) {
    odd.participants[0] = KeyFromScalar(scalar).public_key();
  }
  ExpectRoundTrip(odd, "params");
}

TEST(EncodingRoundTripTest, Allocation) {
  Allocation allocation;
  allocation.assets.push_back({"native", {Amount(0), ~Amount(0), Amount(1) << 200}, {}});
  allocation.assets.push_back(
      {"token",
       {Amount(5), Amount(6), Amount(7)},
       {{Filled(0x01), Amount(8)}, {Filled(0xfe), Amount(9)}, {Filled(0x00), Amount(0)}}});
  ExpectRoundTrip(allocation, "allocation");
  ExpectRoundTrip(Allocation{}, "allocation");
}

TEST(EncodingRoundTripTest, State) {
  ExpectRoundTrip(GoldenState(), "state");

  State empty;
  ExpectRoundTrip(empty, "state");

  State big = GoldenState();
  big.version = UINT64_MAX;
  big.app_data.assign(kMaxAppDataSize, 0x5c);
  big.is_final = false;
  ExpectRoundTrip(big, "state");
}

TEST(EncodingRoundTripTest, SignedState) {
  ExpectRoundTrip(GoldenSignedState(), "signed state");

  SignedState none{GoldenState(), {}};
  ExpectRoundTrip(none, "signed state");

  SignedState mixed{GoldenState(),
                    {std::nullopt, Signature(64, 0xab), Signature(kMaxSignatureSize, 0xcd),
                     Signature{}, std::nullopt}};
  ExpectRoundTrip(mixed, "signed state");

  SignedState all{GoldenState(),
                  std::vector<std::optional<Signature>>(kMaxParticipants, Signature(64, 0x77))};
  ExpectRoundTrip(all, "signed state");
}

// ---- Decode rejections --------------------------------------------------------

template <typename T>
void ExpectRejected(const Bytes& bytes, const char* what, const std::string& why) {
  auto decoded = Decode<T>(bytes, what);
  ASSERT_FALSE(decoded.ok()) << what << " decoded despite " << why;
  EXPECT_EQ(decoded.status().code(), StatusCode::kInvalidArgument)
      << why << ": " << decoded.status().ToString();
  EXPECT_FALSE(decoded.status().message().empty()) << why;
}

template <typename T>
void ExpectEveryTruncationRejected(const Bytes& good, const char* what) {
  ASSERT_TRUE(Decode<T>(good, what).ok()) << "the untruncated " << what << " must decode";
  for (size_t len = 0; len < good.size(); ++len) {
    ExpectRejected<T>(
        Bytes(good.begin(), good.begin() + static_cast<ptrdiff_t>(len)), what,
        "truncation to " + std::to_string(len) + " of " + std::to_string(good.size()) + " bytes");
  }
}

template <typename T>
void ExpectTrailingByteRejected(const Bytes& good, const char* what) {
  for (uint8_t extra : {0x00, 0x01, 0xff}) {
    Bytes bytes = good;
    bytes.push_back(extra);
    ExpectRejected<T>(bytes, what, "a trailing byte");
  }
}

TEST(EncodingDecodeTest, EveryTruncationIsRejected) {
  ExpectEveryTruncationRejected<Params>(Encode(GoldenParams()), "params");
  ExpectEveryTruncationRejected<Allocation>(Encode(GoldenState().allocation), "allocation");
  ExpectEveryTruncationRejected<State>(Encode(GoldenState()), "state");
  ExpectEveryTruncationRejected<SignedState>(Encode(GoldenSignedState()), "signed state");
}

TEST(EncodingDecodeTest, TrailingBytesAreRejected) {
  ExpectTrailingByteRejected<Params>(Encode(GoldenParams()), "params");
  ExpectTrailingByteRejected<Allocation>(Encode(GoldenState().allocation), "allocation");
  ExpectTrailingByteRejected<State>(Encode(GoldenState()), "state");
  ExpectTrailingByteRejected<SignedState>(Encode(GoldenSignedState()), "signed state");
}

TEST(EncodingDecodeTest, TooManyParticipantsAreRejected) {
  Params params = GoldenParams();
  params.participants = Keys(kMaxParticipants + 1);  // 17 real, distinct keys
  ExpectRejected<Params>(Encode(params), "params", "17 participants");

  // A count of 2^32-1 with nothing behind it: rejected, without allocating.
  Bytes huge = Encode(GoldenParams());
  huge[0] = huge[1] = huge[2] = huge[3] = 0xff;
  ExpectRejected<Params>(huge, "params", "a participant count of 2^32-1");
}

TEST(EncodingDecodeTest, KeysThatAreNotPointsAreRejected) {
  const Bytes good = Encode(GoldenParams());
  auto with_first_key = [&](const std::string& key_hex) {
    Bytes key = FromHex(key_hex).value();
    EXPECT_EQ(key.size(), crypto::PublicKey::kSize);
    Bytes bytes = good;
    std::copy(key.begin(), key.end(), bytes.begin() + 4);  // after count(participants)
    return bytes;
  };
  // Sanity: splicing the real key back in decodes.
  ASSERT_TRUE(Decode<Params>(with_first_key(Keys(1)[0].ToHex()), "params").ok());

  // x = 5: 5^3 + 7 = 132 is not a square mod p, so no point has this x.
  ExpectRejected<Params>(
      with_first_key("020000000000000000000000000000000000000000000000000000000000000005"),
      "params", "an x with no point");
  // x = p, beyond the field.
  ExpectRejected<Params>(
      with_first_key("02fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f"),
      "params", "x = p");
  // G's x with prefixes that are not compressed-key prefixes.
  for (const char* prefix : {"00", "01", "04", "05", "06", "07", "ff"}) {
    ExpectRejected<Params>(
        with_first_key(std::string(prefix) +
                       "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"),
        "params", std::string("key prefix ") + prefix);
  }
}

TEST(EncodingDecodeTest, NamesBeyondTheLimitAreRejected) {
  Params long_app = GoldenParams();
  long_app.app = std::string(kMaxNameLength + 1, 'a');
  ExpectRejected<Params>(Encode(long_app), "params", "a 65-byte app id");

  Params long_backend = GoldenParams();
  long_backend.backend = std::string(kMaxNameLength + 1, 'b');
  ExpectRejected<Params>(Encode(long_backend), "params", "a 65-byte backend name");

  State long_asset = GoldenState();
  long_asset.allocation.assets[0].asset = std::string(kMaxNameLength + 1, 'n');
  ExpectRejected<State>(Encode(long_asset), "state", "a 65-byte asset name");
}

TEST(EncodingDecodeTest, NonCanonicalBooleansAreRejected) {
  for (uint8_t b : {0x02, 0x80, 0xff}) {
    Bytes state = Encode(GoldenState());
    state.back() = b;  // is_final
    ExpectRejected<State>(state, "state", "is_final byte " + std::to_string(b));

    Bytes signed_state = Encode(GoldenSignedState());
    signed_state.back() = b;  // present byte of sig 1
    ExpectRejected<SignedState>(signed_state, "signed state", "present byte " + std::to_string(b));
  }
}

TEST(EncodingDecodeTest, AppDataBeyondTheLimitIsRejected) {
  State state = GoldenState();
  state.app_data.assign(kMaxAppDataSize + 1, 0x01);
  ExpectRejected<State>(Encode(state), "state", "app_data of kMaxAppDataSize + 1 bytes");

  // A length of 2^32-1 with two bytes behind it.
  Bytes huge = Encode(GoldenState());
  const size_t len_at = huge.size() - 1 - 2 - 4;  // before is_final and the 2 bytes of app_data
  ASSERT_EQ(huge[len_at + 3], 0x02);
  huge[len_at] = huge[len_at + 1] = huge[len_at + 2] = huge[len_at + 3] = 0xff;
  ExpectRejected<State>(huge, "state", "an app_data length of 2^32-1");
}

TEST(EncodingDecodeTest, CountsBeyondTheLimitsAreRejected) {
  State assets = GoldenState();
  for (size_t i = 1; i <= kMaxAssets; ++i) {
    assets.allocation.assets.push_back({"a" + std::to_string(i), {Amount(1), Amount(2)}, {}});
  }
  ExpectRejected<State>(Encode(assets), "state", "17 assets");

  State balances = GoldenState();
  balances.allocation.assets[0].balances.assign(kMaxParticipants + 1, Amount(1));
  ExpectRejected<State>(Encode(balances), "state", "17 balances");

  State locked = GoldenState();
  locked.allocation.assets[0].locked.assign(kMaxLocked + 1, {Filled(0x33), Amount(1)});
  ExpectRejected<State>(Encode(locked), "state", "257 locked entries");

  SignedState sigs{GoldenState(), std::vector<std::optional<Signature>>(kMaxParticipants + 1)};
  ExpectRejected<SignedState>(Encode(sigs), "signed state", "17 signature slots");
}

TEST(EncodingDecodeTest, SignatureBeyondTheLimitIsRejected) {
  SignedState signed_state = GoldenSignedState();
  signed_state.sigs[0] = Signature(kMaxSignatureSize + 1, 0x42);
  ExpectRejected<SignedState>(Encode(signed_state), "signed state", "a 66-byte signature");
}

TEST(EncodingDecodeTest, BrokenInnerStateIsRejected) {
  // The state inside a SignedState is checked like a top-level one.
  Bytes bytes = Encode(GoldenSignedState());
  const size_t is_final_at = 4 + 197 - 1;
  ASSERT_EQ(bytes[is_final_at], 0x01);
  bytes[is_final_at] = 0x02;
  ExpectRejected<SignedState>(bytes, "signed state", "is_final byte 2 in the inner state");

  // An inner length one short: the state is truncated inside its envelope.
  Bytes short_len = Encode(GoldenSignedState());
  ASSERT_EQ(short_len[3], 0xc5);
  short_len[3] = 0xc4;
  ExpectRejected<SignedState>(short_len, "signed state", "an inner length one short");
}

// Every state that ValidateAllocation accepts and Decode<State> reads should
// also be readable inside a SignedState (the form a node stores and sends).
TEST(EncodingDecodeTest, LargestValidStateFitsInASignedState) {
  State state = GoldenState();
  state.app_data.assign(kMaxAppDataSize, 0x01);
  state.allocation.assets.clear();
  for (size_t i = 0; i < kMaxAssets; ++i) {
    AssetAllocation asset{std::string(kMaxNameLength, static_cast<char>('a' + i)),
                          std::vector<Amount>(kMaxParticipants, Amount(1)),
                          std::vector<Locked>(kMaxLocked, {Filled(0x44), Amount(1)})};
    state.allocation.assets.push_back(asset);
  }
  ASSERT_TRUE(ValidateAllocation(state.allocation, kMaxParticipants).ok());
  ASSERT_TRUE(Decode<State>(Encode(state), "state").ok());
  EXPECT_EQ(Encode(state).size(), kMaxStateSize);

  SignedState signed_state{
      state, std::vector<std::optional<Signature>>(kMaxParticipants, Signature(64, 0x55))};
  auto decoded = Decode<SignedState>(Encode(signed_state), "signed state");
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, signed_state);
}

// ---- Bip340Scheme ----------------------------------------------------------------

// BIP340's tagged hash, from SHA-256 alone: SHA256(SHA256(tag) || SHA256(tag) || data).
Hash32 TaggedHashBySpec(std::string_view tag, const Bytes& data) {
  Hash32 tag_hash = crypto::Sha256(AsBytes(tag));
  Bytes preimage(tag_hash.begin(), tag_hash.end());
  preimage.insert(preimage.end(), tag_hash.begin(), tag_hash.end());
  preimage.insert(preimage.end(), data.begin(), data.end());
  return crypto::Sha256(preimage);
}

TEST(Bip340SchemeTest, ChannelIdIsTheTaggedHashOfTheParams) {
  Bip340Scheme scheme;
  EXPECT_EQ(scheme.name(), "sim");
  const Params params = GoldenParams();
  ChannelId id = scheme.ComputeChannelId(params);
  EXPECT_EQ(id, crypto::TaggedHash("Parley/ChannelId", Encode(params)));
  EXPECT_EQ(id, TaggedHashBySpec("Parley/ChannelId", Encode(params)));

  Params other = params;
  other.nonce[31] ^= 1;
  EXPECT_NE(scheme.ComputeChannelId(other), id) << "the nonce must make the id unique";
}

TEST(Bip340SchemeTest, StateHashIsTheTaggedHashOfTheState) {
  Bip340Scheme scheme;
  const State state = GoldenState();
  Hash32 hash = scheme.StateHash(state);
  EXPECT_EQ(hash, crypto::TaggedHash("Parley/State", Encode(state)));
  EXPECT_EQ(hash, TaggedHashBySpec("Parley/State", Encode(state)));
  EXPECT_NE(hash, TaggedHashBySpec("Parley/ChannelId", Encode(state))) << "tags must differ";

  State next = state;
  next.version += 1;
  EXPECT_NE(scheme.StateHash(next), hash);
}

TEST(Bip340SchemeTest, BackendNameIsConfigurable) {
  Bip340Scheme scheme("statechain");
  EXPECT_EQ(scheme.name(), "statechain");
}

class Bip340SignTest : public testing::Test {
 protected:
  Bip340Scheme scheme_;
  crypto::PrivateKey key_ = KeyFromScalar(3);
  crypto::PrivateKey other_ = KeyFromScalar(4);
  Hash32 hash_ = Bip340Scheme().StateHash(GoldenState());
};

TEST_F(Bip340SignTest, SignThenVerify) {
  Signature sig = scheme_.Sign(key_, hash_);
  EXPECT_EQ(sig.size(), 64u);
  EXPECT_TRUE(scheme_.Verify(key_.public_key(), hash_, sig));
  // A second signature (fresh aux randomness) verifies too.
  EXPECT_TRUE(scheme_.Verify(key_.public_key(), hash_, scheme_.Sign(key_, hash_)));
}

TEST_F(Bip340SignTest, VerifyRejectsEveryFlippedBit) {
  const Signature sig = scheme_.Sign(key_, hash_);
  for (size_t bit = 0; bit < sig.size() * 8; ++bit) {
    Signature bad = sig;
    bad[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    EXPECT_FALSE(scheme_.Verify(key_.public_key(), hash_, bad)) << "bit " << bit;
  }
}

TEST_F(Bip340SignTest, VerifyRejectsWrongSizes) {
  const Signature sig = scheme_.Sign(key_, hash_);
  EXPECT_FALSE(scheme_.Verify(key_.public_key(), hash_, Signature(sig.begin(), sig.end() - 1)))
      << "63 bytes";
  Signature longer = sig;
  longer.push_back(0);
  EXPECT_FALSE(scheme_.Verify(key_.public_key(), hash_, longer)) << "65 bytes";
  EXPECT_FALSE(scheme_.Verify(key_.public_key(), hash_, Signature{})) << "empty";
}

TEST_F(Bip340SignTest, VerifyRejectsAnotherKeyOrHash) {
  const Signature sig = scheme_.Sign(key_, hash_);
  EXPECT_FALSE(scheme_.Verify(other_.public_key(), hash_, sig));
  EXPECT_FALSE(scheme_.Verify(key_.public_key(), hash_, scheme_.Sign(other_, hash_)));
  Hash32 other_hash = hash_;
  other_hash[0] ^= 0x80;
  EXPECT_FALSE(scheme_.Verify(key_.public_key(), other_hash, sig));
}

TEST(VerifySignaturesTest, ChecksEveryPresentSignature) {
  Bip340Scheme scheme;
  crypto::PrivateKey k1 = KeyFromScalar(1), k2 = KeyFromScalar(2);
  const Params params = GoldenParams();  // keys 1 and 2
  SignedState signed_state{GoldenState(), {std::nullopt, std::nullopt}};
  Hash32 hash = scheme.StateHash(signed_state.state);

  EXPECT_TRUE(VerifySignatures(scheme, params, signed_state, /*require_all=*/false).ok());
  EXPECT_EQ(VerifySignatures(scheme, params, signed_state, /*require_all=*/true).code(),
            StatusCode::kPermissionDenied);

  signed_state.sigs[0] = scheme.Sign(k1, hash);
  EXPECT_TRUE(VerifySignatures(scheme, params, signed_state, false).ok());
  EXPECT_EQ(VerifySignatures(scheme, params, signed_state, true).code(),
            StatusCode::kPermissionDenied);

  signed_state.sigs[1] = scheme.Sign(k2, hash);
  EXPECT_TRUE(VerifySignatures(scheme, params, signed_state, true).ok());

  // Participant 1's slot signed by participant 0's key.
  signed_state.sigs[1] = scheme.Sign(k1, hash);
  Status swapped = VerifySignatures(scheme, params, signed_state, false);
  EXPECT_EQ(swapped.code(), StatusCode::kPermissionDenied) << swapped.ToString();
  EXPECT_NE(swapped.message().find("participant 1"), std::string::npos) << swapped.message();

  signed_state.sigs.push_back(std::nullopt);
  EXPECT_EQ(VerifySignatures(scheme, params, signed_state, false).code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace parley::channel
