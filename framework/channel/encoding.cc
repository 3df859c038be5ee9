#include "parley/channel/encoding.h"

namespace parley::channel {

void Write(Writer& w, const Params& params) {
  w.U32(static_cast<uint32_t>(params.participants.size()));
  for (const auto& key : params.participants) w.Fixed(key.bytes());
  w.Fixed(params.nonce);
  w.U64(params.challenge_duration);
  w.String(params.app);
  w.String(params.backend);
}

Status Read(Reader& r, Params* params) {
  uint32_t n;
  PARLEY_RETURN_IF_ERROR(r.Count(kMaxParticipants, &n));
  params->participants.clear();
  for (uint32_t i = 0; i < n; ++i) {
    crypto::PublicKey::Encoded encoded;
    PARLEY_RETURN_IF_ERROR(r.Fixed(&encoded));
    PARLEY_ASSIGN_OR_RETURN(auto key, crypto::PublicKey::FromBytes(encoded));
    params->participants.push_back(key);
  }
  PARLEY_RETURN_IF_ERROR(r.Fixed(&params->nonce));
  PARLEY_RETURN_IF_ERROR(r.U64(&params->challenge_duration));
  PARLEY_RETURN_IF_ERROR(r.String(kMaxNameLength, &params->app));
  return r.String(kMaxNameLength, &params->backend);
}

void Write(Writer& w, const Allocation& allocation) {
  w.U32(static_cast<uint32_t>(allocation.assets.size()));
  for (const AssetAllocation& asset : allocation.assets) {
    w.String(asset.asset);
    w.U32(static_cast<uint32_t>(asset.balances.size()));
    for (const Amount& balance : asset.balances) WriteAmount(w, balance);
    w.U32(static_cast<uint32_t>(asset.locked.size()));
    for (const Locked& locked : asset.locked) {
      w.Fixed(locked.id);
      WriteAmount(w, locked.amount);
    }
  }
}

Status Read(Reader& r, Allocation* allocation) {
  uint32_t assets;
  PARLEY_RETURN_IF_ERROR(r.Count(kMaxAssets, &assets));
  allocation->assets.assign(assets, {});
  for (AssetAllocation& asset : allocation->assets) {
    PARLEY_RETURN_IF_ERROR(r.String(kMaxNameLength, &asset.asset));
    uint32_t balances;
    PARLEY_RETURN_IF_ERROR(r.Count(kMaxParticipants, &balances));
    asset.balances.assign(balances, 0);
    for (Amount& balance : asset.balances) PARLEY_RETURN_IF_ERROR(ReadAmount(r, &balance));
    uint32_t locked;
    PARLEY_RETURN_IF_ERROR(r.Count(kMaxLocked, &locked));
    asset.locked.assign(locked, {});
    for (Locked& l : asset.locked) {
      PARLEY_RETURN_IF_ERROR(r.Fixed(&l.id));
      PARLEY_RETURN_IF_ERROR(ReadAmount(r, &l.amount));
    }
  }
  return Status::Ok();
}

void Write(Writer& w, const State& state) {
  w.Fixed(state.channel_id);
  w.U64(state.version);
  Write(w, state.allocation);
  w.Var(state.app_data);
  w.Bool(state.is_final);
}

Status Read(Reader& r, State* state) {
  PARLEY_RETURN_IF_ERROR(r.Fixed(&state->channel_id));
  PARLEY_RETURN_IF_ERROR(r.U64(&state->version));
  PARLEY_RETURN_IF_ERROR(Read(r, &state->allocation));
  PARLEY_RETURN_IF_ERROR(r.Var(kMaxAppDataSize, &state->app_data));
  return r.Bool(&state->is_final);
}

void Write(Writer& w, const SignedState& signed_state) {
  w.Var(Encode(signed_state.state));
  w.U32(static_cast<uint32_t>(signed_state.sigs.size()));
  for (const auto& sig : signed_state.sigs) {
    w.Bool(sig.has_value());
    if (sig) w.Var(*sig);
  }
}

Status Read(Reader& r, SignedState* signed_state) {
  Bytes state_bytes;
  PARLEY_RETURN_IF_ERROR(r.Var(kMaxStateSize, &state_bytes));
  PARLEY_ASSIGN_OR_RETURN(signed_state->state, Decode<State>(state_bytes, "state"));
  uint32_t n;
  PARLEY_RETURN_IF_ERROR(r.Count(kMaxParticipants, &n));
  signed_state->sigs.assign(n, std::nullopt);
  for (auto& sig : signed_state->sigs) {
    bool present;
    PARLEY_RETURN_IF_ERROR(r.Bool(&present));
    if (!present) continue;
    Bytes bytes;
    PARLEY_RETURN_IF_ERROR(r.Var(kMaxSignatureSize, &bytes));
    sig = std::move(bytes);
  }
  return Status::Ok();
}

}  // namespace parley::channel
