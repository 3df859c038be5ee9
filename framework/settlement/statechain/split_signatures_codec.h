// The nonces and partial signatures of SplitSignatures, as a split signer
// stores them and a resync sends them: one writer and reader for both. Each
// writes the version before them itself (the signer puts its sighash between).
#pragma once

#include "parley/settlement/statechain/channel_split.h"
#include "parley/util/codec.h"
#include "parley/util/status.h"

namespace parley::settlement::statechain {

inline void WriteNoncesAndPartials(Writer& w, const SplitSignatures& signatures) {
  for (const auto& nonce : signatures.nonces) w.Fixed(nonce);
  for (const auto& partial : signatures.partials) w.Fixed(partial);
}

inline Status ReadNoncesAndPartials(Reader& r, SplitSignatures* signatures) {
  for (auto& nonce : signatures->nonces) PARLEY_RETURN_IF_ERROR(r.Fixed(&nonce));
  for (auto& partial : signatures->partials) PARLEY_RETURN_IF_ERROR(r.Fixed(&partial));
  return Status::Ok();
}

}  // namespace parley::settlement::statechain
