// ECIES: what is sealed to a key opens with that key only, and any change to
// the sealed bytes or the associated data is detected.
#include "parley/crypto/ecies.h"

#include <gtest/gtest.h>

namespace parley::crypto {
namespace {

const Bytes kPlaintext = {'s', 't', 'a', 't', 'e', 'c', 'o', 'i', 'n'};

TEST(EciesTest, EcdhSecretIsShared) {
  const PrivateKey a = PrivateKey::Generate();
  const PrivateKey b = PrivateKey::Generate();
  EXPECT_EQ(EcdhSecret(a, b.public_key()), EcdhSecret(b, a.public_key()));
  EXPECT_NE(EcdhSecret(a, b.public_key()), EcdhSecret(a, a.public_key()));
}

TEST(EciesTest, RoundTrip) {
  const PrivateKey recipient = PrivateKey::Generate();
  for (const Bytes& plaintext : {kPlaintext, Bytes{}}) {
    Bytes sealed = SealToPublicKey(recipient.public_key(), plaintext, AsBytes("ad")).value();
    EXPECT_EQ(sealed.size(), plaintext.size() + kSealOverhead);
    Result<Bytes> opened = OpenSealed(recipient, sealed, AsBytes("ad"));
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    EXPECT_EQ(*opened, plaintext);
  }
  // Two seals of one message differ (fresh ephemeral key and nonce).
  EXPECT_NE(SealToPublicKey(recipient.public_key(), kPlaintext, {}).value(),
            SealToPublicKey(recipient.public_key(), kPlaintext, {}).value());
}

TEST(EciesTest, OnlyTheRecipientOpens) {
  const PrivateKey recipient = PrivateKey::Generate();
  const Bytes sealed = SealToPublicKey(recipient.public_key(), kPlaintext, {}).value();
  EXPECT_EQ(OpenSealed(PrivateKey::Generate(), sealed, {}).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(OpenSealed(recipient, sealed, AsBytes("other")).status().code(),
            StatusCode::kPermissionDenied);
}

TEST(EciesTest, EveryTamperedByteIsDetected) {
  const PrivateKey recipient = PrivateKey::Generate();
  const Bytes sealed = SealToPublicKey(recipient.public_key(), kPlaintext, {}).value();
  for (size_t i = 0; i < sealed.size(); ++i) {
    Bytes tampered = sealed;
    tampered[i] ^= 0x01;
    // A flipped ephemeral key may not even be a point (InvalidArgument);
    // anything else fails authentication.
    EXPECT_FALSE(OpenSealed(recipient, tampered, {}).ok()) << "byte " << i;
  }
  EXPECT_EQ(OpenSealed(recipient, ByteView(sealed).first(kSealOverhead - 1), {}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_FALSE(OpenSealed(recipient, ByteView(sealed).first(sealed.size() - 1), {}).ok());
}

}  // namespace
}  // namespace parley::crypto
