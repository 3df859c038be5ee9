#include "parley/channel/scheme.h"

#include "parley/channel/encoding.h"
#include "parley/crypto/hash.h"
#include "parley/crypto/schnorr.h"

namespace parley::channel {

ChannelId Bip340Scheme::ComputeChannelId(const Params& params) const {
  return crypto::TaggedHash("Parley/ChannelId", Encode(params));
}

Hash32 Bip340Scheme::StateHash(const State& state) const {
  return crypto::TaggedHash("Parley/State", Encode(state));
}

Signature Bip340Scheme::Sign(const crypto::PrivateKey& key, const Hash32& state_hash) const {
  crypto::Signature sig = crypto::SchnorrSign(key, state_hash);
  return Signature(sig.begin(), sig.end());
}

bool Bip340Scheme::Verify(const crypto::PublicKey& key, const Hash32& state_hash,
                          const Signature& signature) const {
  if (signature.size() != 64) return false;
  crypto::Signature sig;
  std::copy(signature.begin(), signature.end(), sig.begin());
  return crypto::SchnorrVerify(key, state_hash, sig);
}

Status VerifySignatures(const SignatureScheme& scheme, const Params& params,
                        const SignedState& signed_state, bool require_all) {
  if (signed_state.sigs.size() != params.participants.size()) {
    return Status::InvalidArgument("the state carries " + std::to_string(signed_state.sigs.size()) +
                                   " signature slots for " +
                                   std::to_string(params.participants.size()) + " participants");
  }
  Hash32 hash = scheme.StateHash(signed_state.state);
  for (size_t i = 0; i < signed_state.sigs.size(); ++i) {
    const auto& sig = signed_state.sigs[i];
    if (!sig) {
      if (require_all) {
        return Status::PermissionDenied("participant " + std::to_string(i) +
                                        " has not signed version " +
                                        std::to_string(signed_state.state.version));
      }
      continue;
    }
    if (!scheme.Verify(params.participants[i], hash, *sig)) {
      return Status::PermissionDenied("the signature of participant " + std::to_string(i) +
                                      " on version " + std::to_string(signed_state.state.version) +
                                      " does not verify");
    }
  }
  return Status::Ok();
}

}  // namespace parley::channel
