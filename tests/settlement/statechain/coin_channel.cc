#include "statechain/coin_channel.h"

#include <utility>
#include <vector>

#include "parley/crypto/random.h"
#include "parley/crypto/two_party_schnorr.h"
#include "payment/payment_app.h"

namespace parley::settlement::statechain::testing {

namespace mp = crypto::multi_party;

Result<CoinChannel> CoinChannel::Create(
    FakeLedger& ledger, const channel::SignatureScheme& scheme, const channel::Params& params,
    const std::array<crypto::PrivateKey, kChannelParticipants>& keys, int64_t sats,
    const CoinOptions& options) {
  const crypto::PrivateKey operator_share = crypto::PrivateKey::Generate();
  PARLEY_ASSIGN_OR_RETURN(CoinChannel ch,
                          OnCoin(ledger, scheme, params, keys, crypto::PrivateKey::Generate(),
                                 operator_share.public_key(), sats, options));
  ch.operator_share = operator_share;
  return ch;
}

Result<CoinChannel> CoinChannel::OnCoin(
    FakeLedger& ledger, const channel::SignatureScheme& scheme, const channel::Params& params,
    const std::array<crypto::PrivateKey, kChannelParticipants>& keys,
    const crypto::PrivateKey& owner, const crypto::PublicKey& operator_share, int64_t sats,
    const CoinOptions& options) {
  PARLEY_ASSIGN_OR_RETURN(mp::CoinKey coin_key,
                          mp::CoinKey::Create(owner.public_key(), operator_share));
  crypto::Transaction funding;
  funding.inputs.push_back({.prevout = {.txid = crypto::RandomHash32(), .index = 0}});
  const auto script = coin_key.ScriptPubKey();
  funding.outputs.push_back({.amount_sats = sats, .script_pubkey = {script.begin(), script.end()}});
  if (options.fund) ledger.Mint(funding);

  PARLEY_ASSIGN_OR_RETURN(mp::SplitShares split, mp::SplitShare(owner));
  const channel::ChannelId id = scheme.ComputeChannelId(params);
  std::array<Bytes, kChannelParticipants> payouts;
  for (size_t i = 0; i < payouts.size(); ++i) {
    const auto payout = BackupScriptPubKey(keys[i].public_key());
    payouts[i] = Bytes(payout.begin(), payout.end());
  }
  CoinChannel ch{
      .scheme = &scheme,
      .params = params,
      .id = id,
      .keys = keys,
      .shares = {split.kept, split.given},
      .opening = {.coin = {.coin = {.outpoint = {.txid = crypto::Txid(funding), .index = 0},
                                    .amount_sats = sats,
                                    .output_key = coin_key.output_key()},
                           .shares = {split.kept.public_key(), split.given.public_key(),
                                      operator_share},
                           .payout_scripts = payouts,
                           .fee_sats = options.fee_sats},
                  .owner_share = owner.public_key(),
                  .share_proofs = {crypto::two_party::ProveShare(split.kept, id),
                                   crypto::two_party::ProveShare(split.given, id)},
                  .coin_lock_time = options.coin_lock_time},
      .funding = funding};
  return ch;
}

Result<CoinChannel> CoinChannel::Create(FakeLedger& ledger, const channel::SignatureScheme& scheme,
                                        uint64_t challenge_duration, int64_t sats,
                                        const CoinOptions& options) {
  const std::array<crypto::PrivateKey, kChannelParticipants> keys = {
      crypto::PrivateKey::Generate(), crypto::PrivateKey::Generate()};
  const channel::Params params{.participants = {keys[0].public_key(), keys[1].public_key()},
                               .nonce = crypto::RandomHash32(),
                               .challenge_duration = challenge_duration,
                               .app = apps::PaymentApp::kId,
                               .backend = std::string(scheme.name())};
  return Create(ledger, scheme, params, keys, sats, options);
}

channel::State CoinChannel::Payment(uint64_t version, int64_t alice, bool is_final) const {
  const int64_t total = opening.coin.coin.amount_sats;
  return {.channel_id = id,
          .version = version,
          .allocation = {.assets = {{.asset = "sats", .balances = {alice, total - alice}}}},
          .is_final = is_final};
}

channel::SignedState CoinChannel::SignBoth(const channel::State& state) const {
  const Hash32 hash = scheme->StateHash(state);
  return {.state = state, .sigs = {scheme->Sign(keys[0], hash), scheme->Sign(keys[1], hash)}};
}

Result<SplitSignatures> CoinChannel::SignSplit(const channel::State& state,
                                               const mp::PublicNonce& operator_nonce,
                                               uint32_t lock_time) const {
  PARLEY_ASSIGN_OR_RETURN(crypto::Transaction tx, BuildSplit(opening.coin, state, lock_time));
  SplitSignatures out{.version = state.version};
  std::vector<crypto::two_party::GeneratedNonce> nonces;
  for (size_t i = 0; i < kChannelParticipants; ++i) {
    PARLEY_ASSIGN_OR_RETURN(auto nonce, crypto::two_party::NonceGen(shares[i], {}));
    out.nonces[i] = nonce.public_nonce;
    nonces.push_back(std::move(nonce));
  }
  PARLEY_ASSIGN_OR_RETURN(
      mp::Session session,
      SplitSession(opening.coin, tx, {out.nonces[0], out.nonces[1], operator_nonce}));
  for (size_t i = 0; i < kChannelParticipants; ++i) {
    PARLEY_ASSIGN_OR_RETURN(out.partials[i], mp::Sign(nonces[i].secret, shares[i], session, i));
  }
  return out;
}

Result<OperatorCoin> OperatorCoin::Deposit(OperatorApi& op) {
  OperatorCoin coin{.auth_key = crypto::PrivateKey::Generate(),
                    .owner_share = crypto::PrivateKey::Generate(),
                    .operator_share = crypto::PrivateKey::Generate().public_key()};
  DepositRequest request{.auth_key = coin.auth_key.public_key(),
                         .owner_share = coin.owner_share.public_key(),
                         .share_proof = crypto::two_party::ProveShare(
                             coin.owner_share, DepositProofContext(coin.auth_key.public_key()))};
  PARLEY_ASSIGN_OR_RETURN(Hash32 challenge, op.NewChallenge());
  request.auth = Authorize(coin.auth_key, challenge, AuthPayload(request));
  PARLEY_ASSIGN_OR_RETURN(DepositResponse response, op.DepositInit(request));
  coin.coin_id = response.coin_id;
  coin.operator_share = response.operator_share;
  coin.lock_time = response.lock_time;
  return coin;
}

CoinForChannel OperatorCoin::FundOn(FakeLedger& ledger, int64_t sats, Bytes payout_script) const {
  const mp::CoinKey key = mp::CoinKey::Create(owner_share.public_key(), operator_share).value();
  crypto::Transaction funding;
  funding.inputs.push_back({.prevout = {.txid = crypto::RandomHash32(), .index = 0}});
  const auto script = key.ScriptPubKey();
  funding.outputs.push_back({.amount_sats = sats, .script_pubkey = {script.begin(), script.end()}});
  ledger.Mint(funding);
  return {.owner = {.coin_id = coin_id,
                    .owner_share = owner_share,
                    .auth_key = auth_key,
                    .output = {.outpoint = {.txid = crypto::Txid(funding), .index = 0},
                               .amount_sats = sats,
                               .output_key = key.output_key()},
                    .operator_share = operator_share,
                    .lock_time = lock_time},
          .payout_script = std::move(payout_script)};
}

Result<OpenChannelRequest> OperatorCoin::OpenRequest(OperatorApi& op, const CoinChannel& ch) const {
  OpenChannelRequest request{.coin_id = coin_id, .params = ch.params, .opening = ch.opening};
  PARLEY_ASSIGN_OR_RETURN(Hash32 challenge, op.NewChallenge());
  request.auth = Authorize(auth_key, challenge, AuthPayload(request));
  return request;
}

}  // namespace parley::settlement::statechain::testing
