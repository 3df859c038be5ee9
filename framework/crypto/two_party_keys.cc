// The additive coin key, its taproot tweak and the share proofs.
#include <string>

#include "parley/crypto/hash.h"
#include "parley/crypto/key_arithmetic.h"
#include "parley/crypto/taproot.h"
#include "parley/crypto/two_party_schnorr.h"

namespace parley::crypto::two_party {
namespace {

Hash32 ShareProofMessage(const PublicKey& share, ByteView context) {
  Bytes data(share.bytes().begin(), share.bytes().end());
  data.insert(data.end(), context.begin(), context.end());
  return TaggedHash("Parley/TwoPartySchnorr/share-proof", data);
}

}  // namespace

Result<CoinKey> CoinKey::Create(const PublicKey& owner_share, const PublicKey& operator_share) {
  Result<PublicKey> sum = AddPublicKeys(owner_share, operator_share);
  if (!sum.ok()) {
    return Status::InvalidArgument("the owner's and the operator's shares give no coin key: " +
                                   sum.status().message());
  }
  return FromInternalKey(*sum);
}

Result<CoinKey> CoinKey::FromInternalKey(const PublicKey& internal_key) {
  CoinKey key(internal_key);
  PARLEY_ASSIGN_OR_RETURN(TaprootOutputKey output,
                          TweakPublicKey(internal_key.XOnly(), std::nullopt));
  key.output_key_ = output.x_only;
  key.output_odd_y_ = output.odd_y;
  key.tweak_ = TapTweakHash(internal_key.XOnly(), std::nullopt);
  key.internal_odd_y_ = internal_key.bytes()[0] == 0x03;
  return key;
}

std::array<uint8_t, 34> CoinKey::ScriptPubKey() const { return TaprootScriptPubKey(output_key_); }

Signature ProveShare(const PrivateKey& share, ByteView context) {
  return SchnorrSign(share, ShareProofMessage(share.public_key(), context));
}

Status VerifyShareProof(const PublicKey& share, ByteView context, const Signature& proof) {
  if (!SchnorrVerify(share, ShareProofMessage(share, context), proof)) {
    return Status::PermissionDenied("the proof of possession for share " + share.ToHex() +
                                    " does not verify: whoever sent it may not know its secret");
  }
  return Status::Ok();
}

}  // namespace parley::crypto::two_party
