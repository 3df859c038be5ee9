#include "streaming/voucher.h"

#include <limits>

#include "parley/util/codec.h"

namespace parley::apps {

using channel::Amount;
using channel::State;

Bytes EncodeVoucher(const Voucher& voucher) {
  Writer w;
  w.Fixed(voucher.channel);
  w.U64(voucher.version);
  channel::WriteAmount(w, voucher.total);
  w.Var(voucher.signature);
  return w.Take();
}

Result<Voucher> DecodeVoucher(ByteView bytes) {
  Reader r(bytes, "voucher");
  Voucher v;
  PARLEY_RETURN_IF_ERROR(r.Fixed(&v.channel));
  PARLEY_RETURN_IF_ERROR(r.U64(&v.version));
  PARLEY_RETURN_IF_ERROR(channel::ReadAmount(r, &v.total));
  PARLEY_RETURN_IF_ERROR(r.Var(channel::kMaxSignatureSize, &v.signature));
  PARLEY_RETURN_IF_ERROR(r.Finish());
  return v;
}

namespace {

// Units of `price` that `amount` pays for, capped at the largest u64.
uint64_t UnitsIn(const Amount& amount, const Amount& price) {
  Amount units = amount / price;
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  return units > kMax ? kMax : static_cast<uint64_t>(units);
}

}  // namespace

StreamPayer::StreamPayer(State base, StreamData data, crypto::PrivateKey key,
                         const channel::SignatureScheme& scheme)
    : base_(std::move(base)),
      data_(std::move(data)),
      key_(std::move(key)),
      scheme_(&scheme),
      version_(base_.version) {}

Result<StreamPayer> StreamPayer::Create(State base, crypto::PrivateKey key,
                                        const channel::SignatureScheme& scheme) {
  PARLEY_ASSIGN_OR_RETURN(StreamData data, StreamingApp::Decode(base.app_data));
  PARLEY_RETURN_IF_ERROR(StreamingApp::StateForTotal(base, data.total_paid, base.version).status());
  return StreamPayer(std::move(base), std::move(data), std::move(key), scheme);
}

Result<Voucher> StreamPayer::Pay(uint64_t units) {
  const Amount& balance = base_.allocation.assets[0].balances[data_.terms.payer];
  uint64_t affordable = UnitsIn(balance, data_.terms.price_per_unit);
  if (units == 0 || units > affordable - units_paid_) {
    return Status::FailedPrecondition(
        units == 0 ? "a voucher pays for at least one unit"
                   : "the balance pays for " + std::to_string(affordable - units_paid_) +
                         " more unit(s), not " + std::to_string(units));
  }
  Amount total = data_.total_paid + data_.terms.price_per_unit * (units_paid_ + units);
  PARLEY_ASSIGN_OR_RETURN(State state, StreamingApp::StateForTotal(base_, total, version_ + 1));
  Voucher voucher{.channel = base_.channel_id,
                  .version = state.version,
                  .total = total,
                  .signature = scheme_->Sign(key_, scheme_->StateHash(state))};
  units_paid_ += units;
  version_ = state.version;
  return voucher;
}

StreamPayee::StreamPayee(channel::Params params, channel::SignedState base, StreamData data,
                         channel::ParticipantIndex self, const channel::SignatureScheme& scheme)
    : params_(std::move(params)),
      base_(std::move(base)),
      data_(std::move(data)),
      self_(self),
      scheme_(&scheme),
      total_(data_.total_paid) {}

Result<StreamPayee> StreamPayee::Create(channel::Params params, channel::SignedState base,
                                        channel::ParticipantIndex self,
                                        const channel::SignatureScheme& scheme) {
  PARLEY_ASSIGN_OR_RETURN(StreamData data, StreamingApp::Decode(base.state.app_data));
  PARLEY_RETURN_IF_ERROR(
      StreamingApp::StateForTotal(base.state, data.total_paid, base.state.version).status());
  if (params.participants.size() != 2 || self > 1 || self == data.terms.payer) {
    return Status::InvalidArgument("participant " + std::to_string(self) +
                                   " is not this stream's payee");
  }
  if (base.state.channel_id != scheme.ComputeChannelId(params)) {
    return Status::InvalidArgument("the base state is not a state of this channel");
  }
  PARLEY_RETURN_IF_ERROR(channel::VerifySignatures(scheme, params, base, true));
  return StreamPayee(std::move(params), std::move(base), std::move(data), self, scheme);
}

Status StreamPayee::Accept(const Voucher& voucher) {
  if (voucher.channel != base_.state.channel_id) {
    return Status::InvalidArgument("the voucher is for channel " + ToHex(voucher.channel) +
                                   ", not " + ToHex(base_.state.channel_id));
  }
  uint64_t last_version = latest_ ? latest_->version : base_.state.version;
  if (voucher.version <= last_version) {
    return Status::FailedPrecondition("voucher version " + std::to_string(voucher.version) +
                                      " is not above the latest, " + std::to_string(last_version));
  }
  if (voucher.total < total_) {
    return Status::InvalidArgument("the voucher lowers the cumulative amount from " +
                                   channel::ToString(total_) + " to " +
                                   channel::ToString(voucher.total));
  }
  PARLEY_ASSIGN_OR_RETURN(State state,
                          StreamingApp::StateForTotal(base_.state, voucher.total, voucher.version));
  const auto& payer = params_.participants[data_.terms.payer];
  if (!scheme_->Verify(payer, scheme_->StateHash(state), voucher.signature)) {
    return Status::PermissionDenied("the voucher's signature is not the payer's");
  }
  total_ = voucher.total;
  latest_ = voucher;
  return Status::Ok();
}

uint64_t StreamPayee::units_paid() const {
  return UnitsIn(total_ - data_.total_paid, data_.terms.price_per_unit);
}

bool StreamPayee::ShouldServe(uint64_t delivered) const {
  uint64_t paid = units_paid();
  return delivered < paid || delivered - paid < data_.terms.max_lag_units;
}

Result<channel::SignedState> StreamPayee::Settleable(const crypto::PrivateKey& key) const {
  if (!latest_) return base_;
  if (key.public_key() != params_.participants[self_]) {
    return Status::InvalidArgument("settling needs the payee's key");
  }
  PARLEY_ASSIGN_OR_RETURN(
      State state, StreamingApp::StateForTotal(base_.state, latest_->total, latest_->version));
  channel::SignedState signed_state{state, std::vector<std::optional<channel::Signature>>(2)};
  signed_state.sigs[data_.terms.payer] = latest_->signature;
  signed_state.sigs[self_] = scheme_->Sign(key, scheme_->StateHash(state));
  return signed_state;
}

}  // namespace parley::apps
