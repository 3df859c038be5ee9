#include "parley/settlement/statechain/channel_proto_codec.h"

#include <algorithm>
#include <string>

#include "parley/settlement/statechain/proto_codec.h"
#include "parley/wire/grpc_common.h"

namespace parley::settlement::statechain {

namespace mp = crypto::multi_party;

namespace {

// Bounds on what a request may hold: a payout script (the sim ledger's
// limit) and a split transaction.
constexpr size_t kMaxScriptSize = 10'000;
constexpr size_t kMaxSplitSize = 2 * kMaxScriptSize + 1'000;

template <size_t N>
std::string Str(const std::array<uint8_t, N>& bytes) {
  return {bytes.begin(), bytes.end()};
}
std::string Str(const crypto::PublicKey& key) { return {key.bytes().begin(), key.bytes().end()}; }
std::string Str(const Bytes& bytes) { return {bytes.begin(), bytes.end()}; }

template <size_t N>
Result<std::array<uint8_t, N>> Fixed(const std::string& bytes, const std::string& field) {
  if (bytes.size() != N) {
    return Status::InvalidArgument(field + " must be " + std::to_string(N) + " bytes, not " +
                                   std::to_string(bytes.size()));
  }
  std::array<uint8_t, N> out{};
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return out;
}

Status CheckCount(int count, size_t want, const char* field) {
  if (count != static_cast<int>(want)) {
    return Status::InvalidArgument(std::string(field) + " must hold " + std::to_string(want) +
                                   " entries, not " + std::to_string(count));
  }
  return Status::Ok();
}

// Alice's and Bob's public nonces.
template <typename Repeated>
Result<std::array<mp::PublicNonce, kChannelParticipants>> ParticipantNonces(
    const Repeated& nonces) {
  PARLEY_RETURN_IF_ERROR(CheckCount(nonces.size(), kChannelParticipants, "nonces"));
  std::array<mp::PublicNonce, kChannelParticipants> out{};
  for (size_t i = 0; i < kChannelParticipants; ++i) {
    PARLEY_ASSIGN_OR_RETURN(out[i], Fixed<66>(nonces[i], "nonces[" + std::to_string(i) + "]"));
  }
  return out;
}

Result<channel::Params> Params(const std::string& bytes) {
  return wire::FromBytes<channel::Params>(bytes, "params");
}

Result<crypto::Transaction> Transaction(const std::string& bytes, const char* field) {
  if (bytes.size() > kMaxSplitSize) {
    return Status::InvalidArgument(std::string(field) + " is larger than a split can be");
  }
  Result<crypto::Transaction> tx = crypto::ParseTransaction(AsBytes(bytes));
  if (!tx.ok()) return Status::InvalidArgument(std::string(field) + ": " + tx.status().message());
  return tx;
}

v1::CoinChannelOpening ToProto(const ChannelOpening& opening) {
  v1::CoinChannelOpening out;
  const ChannelCoin& coin = opening.coin;
  out.mutable_outpoint()->set_txid(Str(coin.coin.outpoint.txid));
  out.mutable_outpoint()->set_index(coin.coin.outpoint.index);
  out.set_amount_sats(coin.coin.amount_sats);
  out.set_output_key(Str(coin.coin.output_key));
  for (const crypto::PublicKey& share : coin.shares) out.add_shares(Str(share));
  for (const Bytes& script : coin.payout_scripts) out.add_payout_scripts(Str(script));
  out.set_fee_sats(coin.fee_sats);
  out.set_owner_share(Str(opening.owner_share));
  for (const crypto::Signature& proof : opening.share_proofs) out.add_share_proofs(Str(proof));
  out.set_coin_lock_time(opening.coin_lock_time);
  return out;
}

Result<ChannelOpening> FromProto(const v1::CoinChannelOpening& in) {
  if (!in.has_outpoint()) return Status::InvalidArgument("opening.outpoint is missing");
  PARLEY_ASSIGN_OR_RETURN(crypto::PublicKey owner_share,
                          KeyFromProto(in.owner_share(), "opening.owner_share"));
  PARLEY_RETURN_IF_ERROR(CheckCount(in.shares_size(), 3, "opening.shares"));
  PARLEY_ASSIGN_OR_RETURN(crypto::PublicKey a, KeyFromProto(in.shares(0), "opening.shares[0]"));
  PARLEY_ASSIGN_OR_RETURN(crypto::PublicKey b, KeyFromProto(in.shares(1), "opening.shares[1]"));
  PARLEY_ASSIGN_OR_RETURN(crypto::PublicKey s, KeyFromProto(in.shares(2), "opening.shares[2]"));
  CoinOutput output;
  PARLEY_ASSIGN_OR_RETURN(output.outpoint.txid,
                          Fixed<32>(in.outpoint().txid(), "opening.outpoint.txid"));
  output.outpoint.index = in.outpoint().index();
  if (in.amount_sats() <= 0 || in.amount_sats() > crypto::kMaxMoney) {
    return Status::InvalidArgument("opening.amount_sats must be 1 to 21e14");
  }
  output.amount_sats = in.amount_sats();
  PARLEY_ASSIGN_OR_RETURN(output.output_key, Fixed<32>(in.output_key(), "opening.output_key"));
  ChannelOpening out{.coin = {.coin = output, .shares = {a, b, s}},
                     .owner_share = owner_share,
                     .coin_lock_time = in.coin_lock_time()};
  ChannelCoin& coin = out.coin;
  PARLEY_RETURN_IF_ERROR(
      CheckCount(in.payout_scripts_size(), kChannelParticipants, "opening.payout_scripts"));
  for (size_t i = 0; i < kChannelParticipants; ++i) {
    if (in.payout_scripts(i).size() > kMaxScriptSize) {
      return Status::InvalidArgument("opening.payout_scripts: a script is too long");
    }
    coin.payout_scripts[i] = Bytes(in.payout_scripts(i).begin(), in.payout_scripts(i).end());
  }
  if (in.fee_sats() < 0 || in.fee_sats() >= in.amount_sats()) {
    return Status::InvalidArgument("opening.fee_sats must be 0 or more and below the amount");
  }
  coin.fee_sats = in.fee_sats();
  PARLEY_RETURN_IF_ERROR(
      CheckCount(in.share_proofs_size(), kChannelParticipants, "opening.share_proofs"));
  for (size_t i = 0; i < kChannelParticipants; ++i) {
    PARLEY_ASSIGN_OR_RETURN(out.share_proofs[i],
                            SignatureFromProto(in.share_proofs(i), "opening.share_proofs"));
  }
  return out;
}

}  // namespace

v1::CoinChannelOpenRequest ToProto(const OpenChannelRequest& request) {
  v1::CoinChannelOpenRequest out;
  out.set_coin_id(Str(request.coin_id));
  out.set_params(wire::ToBytes(request.params));
  *out.mutable_opening() = ToProto(request.opening);
  *out.mutable_auth() = ToProto(request.auth);
  return out;
}

Result<OpenChannelRequest> FromProto(const v1::CoinChannelOpenRequest& request) {
  PARLEY_ASSIGN_OR_RETURN(Hash32 coin_id, Hash32FromProto(request.coin_id(), "coin_id"));
  PARLEY_ASSIGN_OR_RETURN(channel::Params params, Params(request.params()));
  if (!request.has_opening()) return Status::InvalidArgument("opening is missing");
  PARLEY_ASSIGN_OR_RETURN(ChannelOpening opening, FromProto(request.opening()));
  PARLEY_ASSIGN_OR_RETURN(Auth auth, AuthFromProto(request.has_auth(), request.auth()));
  return OpenChannelRequest{
      .coin_id = coin_id, .params = std::move(params), .opening = opening, .auth = auth};
}

v1::CoinChannelSplitNoncesRequest ToProto(const SplitNoncesRequest& request) {
  v1::CoinChannelSplitNoncesRequest out;
  out.set_channel_id(Str(request.channel));
  out.set_first_version(request.first_version);
  out.set_count(request.count);
  *out.mutable_auth() = ToProto(request.auth);
  return out;
}

Result<SplitNoncesRequest> FromProto(const v1::CoinChannelSplitNoncesRequest& request) {
  SplitNoncesRequest out{.first_version = request.first_version(), .count = request.count()};
  PARLEY_ASSIGN_OR_RETURN(out.channel, Hash32FromProto(request.channel_id(), "channel_id"));
  PARLEY_ASSIGN_OR_RETURN(out.auth, AuthFromProto(request.has_auth(), request.auth()));
  return out;
}

v1::CoinChannelBackupNonceRequest ToProto(const BackupNonceRequest& request) {
  v1::CoinChannelBackupNonceRequest out;
  out.set_channel_id(Str(request.channel));
  *out.mutable_auth() = ToProto(request.auth);
  return out;
}

Result<BackupNonceRequest> FromProto(const v1::CoinChannelBackupNonceRequest& request) {
  BackupNonceRequest out;
  PARLEY_ASSIGN_OR_RETURN(out.channel, Hash32FromProto(request.channel_id(), "channel_id"));
  PARLEY_ASSIGN_OR_RETURN(out.auth, AuthFromProto(request.has_auth(), request.auth()));
  return out;
}

v1::CoinChannelSignBackupRequest ToProto(const SignBackupRequest& request) {
  v1::CoinChannelSignBackupRequest out;
  out.set_params(wire::ToBytes(request.params));
  out.set_checkpoint(wire::ToBytes(request.checkpoint));
  out.set_lock_time(request.lock_time);
  for (const mp::PublicNonce& nonce : request.nonces) out.add_nonces(Str(nonce));
  *out.mutable_auth() = ToProto(request.auth);
  return out;
}

Result<SignBackupRequest> FromProto(const v1::CoinChannelSignBackupRequest& request) {
  SignBackupRequest out{.lock_time = request.lock_time()};
  PARLEY_ASSIGN_OR_RETURN(out.params, Params(request.params()));
  PARLEY_ASSIGN_OR_RETURN(
      out.checkpoint, wire::FromBytes<channel::SignedState>(request.checkpoint(), "checkpoint"));
  PARLEY_ASSIGN_OR_RETURN(out.nonces, ParticipantNonces(request.nonces()));
  PARLEY_ASSIGN_OR_RETURN(out.auth, AuthFromProto(request.has_auth(), request.auth()));
  return out;
}

v1::CoinChannelCoSignSplitRequest ToProto(const CoSignSplitRequest& request) {
  v1::CoinChannelCoSignSplitRequest out;
  out.set_params(wire::ToBytes(request.params));
  out.set_split(Str(crypto::Serialize(request.split)));
  out.set_version(request.signatures.version);
  for (const mp::PublicNonce& nonce : request.signatures.nonces) out.add_nonces(Str(nonce));
  for (const mp::PartialSignature& partial : request.signatures.partials) {
    out.add_partials(Str(partial));
  }
  return out;
}

Result<CoSignSplitRequest> FromProto(const v1::CoinChannelCoSignSplitRequest& request) {
  CoSignSplitRequest out;
  PARLEY_ASSIGN_OR_RETURN(out.params, Params(request.params()));
  PARLEY_ASSIGN_OR_RETURN(out.split, Transaction(request.split(), "split"));
  out.signatures.version = request.version();
  PARLEY_ASSIGN_OR_RETURN(out.signatures.nonces, ParticipantNonces(request.nonces()));
  PARLEY_RETURN_IF_ERROR(CheckCount(request.partials_size(), kChannelParticipants, "partials"));
  for (size_t i = 0; i < kChannelParticipants; ++i) {
    PARLEY_ASSIGN_OR_RETURN(out.signatures.partials[i],
                            Fixed<32>(request.partials(i), "partials[" + std::to_string(i) + "]"));
  }
  return out;
}

v1::CoinChannelNoncesReply ToProto(std::span<const mp::PublicNonce> nonces) {
  v1::CoinChannelNoncesReply out;
  for (const mp::PublicNonce& nonce : nonces) out.add_nonces(Str(nonce));
  return out;
}

Result<std::vector<mp::PublicNonce>> FromProto(const v1::CoinChannelNoncesReply& reply) {
  std::vector<mp::PublicNonce> out;
  for (int i = 0; i < reply.nonces_size(); ++i) {
    PARLEY_ASSIGN_OR_RETURN(mp::PublicNonce nonce,
                            Fixed<66>(reply.nonces(i), "nonces[" + std::to_string(i) + "]"));
    out.push_back(nonce);
  }
  return out;
}

}  // namespace parley::settlement::statechain
