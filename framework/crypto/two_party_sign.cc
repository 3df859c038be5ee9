// Two-party Schnorr signing (see two_party_schnorr.h): the two-signer case of
// multi_party_sign.cc, the owner signer 0 and the operator signer 1.
#include <array>

#include "parley/crypto/multi_party_schnorr.h"

namespace parley::crypto::two_party {
namespace {

multi_party::Session AsMultiParty(const Session& session) {
  return {.shares = {session.owner_share, session.operator_share},
          .nonces = {session.owner_nonce, session.operator_nonce},
          .message = session.message,
          .names = {"the owner", "the operator"}};
}

size_t SignerOf(Party party) { return party == Party::kOwner ? 0 : 1; }

}  // namespace

Result<PartialSignature> Sign(SecretNonce& secret_nonce, const PrivateKey& share,
                              const Session& session, Party party) {
  return multi_party::Sign(secret_nonce, share, AsMultiParty(session), SignerOf(party));
}

Status PartialSigVerify(const PartialSignature& partial_signature, const Session& session,
                        Party party) {
  return multi_party::PartialSigVerify(partial_signature, AsMultiParty(session), SignerOf(party));
}

Result<Signature> Aggregate(const PartialSignature& owner_partial,
                            const PartialSignature& operator_partial, const Session& session) {
  const std::array<PartialSignature, 2> partials{owner_partial, operator_partial};
  return multi_party::Aggregate(partials, AsMultiParty(session));
}

}  // namespace parley::crypto::two_party
