// Canonical encodings of the channel model (util/codec.h rules). These bytes
// are what backends hash and sign, so a golden-byte test pins them: changing
// them is a protocol change.
//
//   Params      = count(participants) {33-byte key}* nonce(32) challenge(u64)
//                 var(app) var(backend)
//   Allocation  = count(assets) { var(asset) count(balances) {amount(32)}*
//                                 count(locked) { id(32) amount(32) }* }*
//   State       = channel_id(32) version(u64) Allocation var(app_data) is_final(u8)
//   SignedState = var(State) count(sigs) { present(u8) [var(sig)] }*
//
// Decoders check limits and well-formedness (keys on the curve, lengths), not
// meaning: ValidateParams/ValidateAllocation and the channel do that.
#pragma once

#include "parley/channel/types.h"
#include "parley/util/codec.h"

namespace parley::channel {

void Write(Writer& w, const Params& params);
void Write(Writer& w, const Allocation& allocation);
void Write(Writer& w, const State& state);
void Write(Writer& w, const SignedState& signed_state);

Status Read(Reader& r, Params* params);
Status Read(Reader& r, Allocation* allocation);
Status Read(Reader& r, State* state);
Status Read(Reader& r, SignedState* signed_state);

// Whole-buffer helpers: Encode writes one value; Decode reads exactly one and
// rejects trailing bytes.
template <typename T>
Bytes Encode(const T& value) {
  Writer w;
  Write(w, value);
  return w.Take();
}

template <typename T>
Result<T> Decode(ByteView bytes, const char* what) {
  Reader r(bytes, what);
  T value;
  PARLEY_RETURN_IF_ERROR(Read(r, &value));
  PARLEY_RETURN_IF_ERROR(r.Finish());
  return value;
}

}  // namespace parley::channel
