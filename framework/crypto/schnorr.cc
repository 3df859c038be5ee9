#include "parley/crypto/schnorr.h"

#include <secp256k1_schnorrsig.h>

#include <cstring>

#include "context.h"
#include "parley/crypto/random.h"

namespace parley::crypto {

Result<Signature> SchnorrSign(const PrivateKey& key, ByteView message, const Hash32& aux_rand) {
  secp256k1_keypair keypair;
  std::memcpy(&keypair, key.keypair_.data(), sizeof keypair);
  secp256k1_schnorrsig_extraparams params = SECP256K1_SCHNORRSIG_EXTRAPARAMS_INIT;
  params.ndata = const_cast<uint8_t*>(aux_rand.data());
  Signature sig;
  int ok = secp256k1_schnorrsig_sign_custom(Secp256k1Context(), sig.data(), message.data(),
                                            message.size(), &keypair, &params);
  if (ok != 1) return Status::Internal("BIP340 signing failed in libsecp256k1");
  return sig;
}

Signature SchnorrSign(const PrivateKey& key, const Hash32& message) {
  // Signing a 32-byte message with a valid keypair cannot fail.
  return SchnorrSign(key, message, RandomHash32()).value();
}

bool SchnorrVerify(const Hash32& xonly_key, ByteView message, const Signature& signature) {
  secp256k1_xonly_pubkey key;
  if (secp256k1_xonly_pubkey_parse(Secp256k1Context(), &key, xonly_key.data()) != 1) return false;
  return secp256k1_schnorrsig_verify(Secp256k1Context(), signature.data(), message.data(),
                                     message.size(), &key) == 1;
}

bool SchnorrVerify(const PublicKey& key, ByteView message, const Signature& signature) {
  secp256k1_xonly_pubkey parsed;
  std::memcpy(&parsed, key.xonly_parsed_.data(), sizeof parsed);
  return secp256k1_schnorrsig_verify(Secp256k1Context(), signature.data(), message.data(),
                                     message.size(), &parsed) == 1;
}

}  // namespace parley::crypto
