// SignatureScheme: how a backend names channels and signs states. The ledger
// checks the same bytes the participants sign, so each backend supplies its
// own (DESIGN.md §2): BIP340 over tagged SHA-256 for `sim` and `statechain`;
// ECDSA over Keccak-256 of the ABI encoding for `evm`.
#pragma once

#include <string_view>

#include "parley/channel/types.h"
#include "parley/crypto/keys.h"

namespace parley::channel {

class SignatureScheme {
 public:
  virtual ~SignatureScheme() = default;

  // The backend name that Params::backend carries, e.g. "sim".
  virtual std::string_view name() const = 0;
  virtual ChannelId ComputeChannelId(const Params& params) const = 0;
  // The digest that participants sign.
  virtual Hash32 StateHash(const State& state) const = 0;
  virtual Signature Sign(const crypto::PrivateKey& key, const Hash32& state_hash) const = 0;
  // False for a signature of the wrong size or by another key.
  virtual bool Verify(const crypto::PublicKey& key, const Hash32& state_hash,
                      const Signature& signature) const = 0;
};

// BIP340 Schnorr over tagged SHA-256 of the canonical encoding:
//   ChannelId = TaggedHash("Parley/ChannelId", Encode(params))
//   StateHash = TaggedHash("Parley/State",     Encode(state))
class Bip340Scheme : public SignatureScheme {
 public:
  explicit Bip340Scheme(std::string backend_name = "sim") : name_(std::move(backend_name)) {}

  std::string_view name() const override { return name_; }
  ChannelId ComputeChannelId(const Params& params) const override;
  Hash32 StateHash(const State& state) const override;
  Signature Sign(const crypto::PrivateKey& key, const Hash32& state_hash) const override;
  bool Verify(const crypto::PublicKey& key, const Hash32& state_hash,
              const Signature& signature) const override;

 private:
  std::string name_;
};

// OK if every present signature in `signed_state` verifies for its
// participant; PermissionDenied naming the first that does not. With
// `require_all`, a missing signature is PermissionDenied too.
Status VerifySignatures(const SignatureScheme& scheme, const Params& params,
                        const SignedState& signed_state, bool require_all);

}  // namespace parley::channel
