// HeldNonce: a nonce's secret leaves once, and is stored and read back with
// the record that holds it.
#include "parley/settlement/statechain/held_nonce.h"

#include <gtest/gtest.h>

#include "parley/crypto/two_party_schnorr.h"

namespace parley::settlement::statechain {
namespace {

HeldNonce Fresh() {
  const crypto::PrivateKey share = crypto::PrivateKey::Generate();
  return HeldNonce::Of(crypto::two_party::NonceGen(share, Bytes{1}).value());
}

TEST(HeldNonceTest, ItsSecretLeavesOnceAndIsErasedThen) {
  HeldNonce nonce = Fresh();
  ASSERT_TRUE(nonce.usable());
  EXPECT_TRUE(nonce.Take("used").ok());
  EXPECT_FALSE(nonce.usable());
  const auto again = nonce.Take("the nonce is used");
  EXPECT_EQ(again.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(again.status().message(), "the nonce is used");
}

TEST(HeldNonceTest, ItsSecretIsStoredAsAFlagThenItsBytes) {
  for (bool used : {false, true}) {
    HeldNonce nonce = Fresh();
    Bytes expected = {1};
    expected.insert(expected.end(), nonce.secret->begin(), nonce.secret->end());
    if (used) {
      ASSERT_TRUE(nonce.Take("used").ok());
      expected = {0};
    }
    Writer w;
    WriteSecret(w, nonce);
    const Bytes bytes = w.Take();
    EXPECT_EQ(bytes, expected);
    Reader r(bytes, "a nonce");
    HeldNonce read = Fresh();  // what it held before is gone
    ASSERT_TRUE(ReadSecret(r, &read).ok());
    EXPECT_TRUE(r.Finish().ok());
    EXPECT_EQ(read.secret, nonce.secret);
  }
}

TEST(HeldNonceTest, BytesThatAreNoSecretNonceAreRefusedAndNotKept) {
  Writer w;
  w.Bool(true);
  w.Fixed(std::array<uint8_t, crypto::multi_party::SecretNonce::kSize>{});  // k1 = k2 = 0
  const Bytes bytes = w.Take();
  Reader r(bytes, "a nonce");
  HeldNonce read = Fresh();
  EXPECT_FALSE(ReadSecret(r, &read).ok());
  EXPECT_FALSE(read.usable());

  HeldNonce broken = Fresh();
  broken.secret->fill(0);
  EXPECT_EQ(broken.Take("used").status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(broken.usable()) << "taken, whatever came of it";
}

}  // namespace
}  // namespace parley::settlement::statechain
