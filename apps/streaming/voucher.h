// Vouchers: the payer's side and the payee's side of a stream (see
// streaming_app.h).
//
// A voucher is the payer's signature on the channel state that pays the
// cumulative total so far, at a version above every earlier voucher's. The
// payee checks each voucher against the stream's base state (the latest state
// both signed before streaming started) and keeps the latest. To settle, it
// adds its own signature to that one state only, which makes it fully signed:
// the ledger accepts it like any other. Each version is signed once by each
// side, so neither ever signs two states of one version.
#pragma once

#include <optional>

#include "parley/channel/scheme.h"
#include "parley/crypto/keys.h"
#include "streaming/streaming_app.h"

namespace parley::apps {

struct Voucher {
  channel::ChannelId channel{};
  uint64_t version = 0;
  channel::Amount total;  // cumulative, never lower than an earlier voucher's
  channel::Signature signature;

  bool operator==(const Voucher&) const = default;
};

// channel (32) || version (u64) || total (32) || signature (u32 length + bytes).
Bytes EncodeVoucher(const Voucher& voucher);
// InvalidArgument if the bytes are not a voucher.
Result<Voucher> DecodeVoucher(ByteView bytes);

// The payer: signs a voucher for every unit bought.
class StreamPayer {
 public:
  // `base` is the channel's latest fully signed streaming state; `key` is
  // the payer's. InvalidArgument if `base` is not a streaming state.
  static Result<StreamPayer> Create(channel::State base, crypto::PrivateKey key,
                                    const channel::SignatureScheme& scheme);

  // Pays for `units` more units: the voucher for the new cumulative total.
  // FailedPrecondition, changing nothing, if the balance cannot cover them.
  Result<Voucher> Pay(uint64_t units);

  uint64_t units_paid() const { return units_paid_; }

 private:
  StreamPayer(channel::State base, StreamData data, crypto::PrivateKey key,
              const channel::SignatureScheme& scheme);

  channel::State base_;
  StreamData data_;  // the base's terms and total
  crypto::PrivateKey key_;
  const channel::SignatureScheme* scheme_;
  uint64_t units_paid_ = 0;  // since the base
  uint64_t version_;         // of the last voucher signed
};

// The payee: checks vouchers, decides whether to keep serving, and turns the
// latest voucher into a fully signed state to settle with.
class StreamPayee {
 public:
  // `base` is the channel's latest fully signed streaming state; `self` is
  // the payee's index. InvalidArgument if it is not a fully signed streaming
  // state of `params` in which `self` is the payee.
  static Result<StreamPayee> Create(channel::Params params, channel::SignedState base,
                                    channel::ParticipantIndex self,
                                    const channel::SignatureScheme& scheme);

  // Checks `voucher` and keeps it as the latest. Refused, changing nothing:
  // another channel (InvalidArgument), a version not above the latest
  // (FailedPrecondition), a lower total (InvalidArgument), more than the
  // payer's balance (FailedPrecondition), a signature that is not the
  // payer's (PermissionDenied).
  Status Accept(const Voucher& voucher);

  // Units paid for since the base (the rise in the total over the price,
  // rounded down).
  uint64_t units_paid() const;
  // Whether to deliver unit number `delivered + 1`: the payer may fall at
  // most max_lag_units behind.
  bool ShouldServe(uint64_t delivered) const;
  const channel::Amount& total() const { return total_; }
  const std::optional<Voucher>& latest() const { return latest_; }

  // The latest voucher's state, signed by the payer and now by `key`; the
  // base state (already fully signed) if no voucher came.
  Result<channel::SignedState> Settleable(const crypto::PrivateKey& key) const;

 private:
  StreamPayee(channel::Params params, channel::SignedState base, StreamData data,
              channel::ParticipantIndex self, const channel::SignatureScheme& scheme);

  channel::Params params_;
  channel::SignedState base_;
  StreamData data_;  // the base's terms and total
  channel::ParticipantIndex self_;
  const channel::SignatureScheme* scheme_;
  channel::Amount total_;
  std::optional<Voucher> latest_;
};

}  // namespace parley::apps
