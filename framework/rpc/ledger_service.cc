#include "parley/rpc/ledger_service.h"

#include "parley/crypto/bitcoin_tx.h"
#include "parley/crypto/schnorr.h"
#include "parley/settlement/remote_events.h"
#include "parley/wire/grpc_common.h"

namespace parley::rpc {

using wire::AmountFromBytes;
using wire::FromBytes;
using wire::ToGrpc;

namespace {

Result<crypto::PublicKey> Key(const std::string& bytes) {
  return crypto::PublicKey::FromBytes(AsBytes(bytes));
}

Status DevCallsRefused(const char* call) {
  return Status::PermissionDenied(std::string(call) +
                                  " is a development call; start the devchain's daemon with "
                                  "--devchain-dev-calls to allow it");
}

std::string BytesString(ByteView bytes) { return {bytes.begin(), bytes.end()}; }

Result<crypto::OutPoint> FromProto(const v1::BitcoinOutPoint& outpoint) {
  PARLEY_ASSIGN_OR_RETURN(Hash32 txid, wire::Hash32FromBytes(outpoint.txid(), "a txid"));
  return crypto::OutPoint{.txid = txid, .index = outpoint.index()};
}

// Runs `body`, turning its Status into the gRPC status.
template <typename F>
grpc::Status Serve(F&& body) {
  return ToGrpc(body());
}

}  // namespace

grpc::Status LedgerService::Mint(grpc::ServerContext*, const v1::MintRequest* r, v1::LedgerReply*) {
  return Serve([&]() -> Status {
    if (!allow_dev_calls_) return DevCallsRefused("Mint");
    PARLEY_ASSIGN_OR_RETURN(auto account, Key(r->account()));
    PARLEY_ASSIGN_OR_RETURN(auto amount, AmountFromBytes(r->amount()));
    return ledger_.Mint(account, r->asset(), amount);
  });
}

grpc::Status LedgerService::Advance(grpc::ServerContext*, const v1::AdvanceRequest* r,
                                    v1::LedgerReply*) {
  return Serve(
      [&] { return allow_dev_calls_ ? ledger_.Advance(r->ticks()) : DevCallsRefused("Advance"); });
}

grpc::Status LedgerService::Deposit(grpc::ServerContext*, const v1::DepositRequest* r,
                                    v1::LedgerReply*) {
  return Serve([&]() -> Status {
    PARLEY_ASSIGN_OR_RETURN(auto params, FromBytes<channel::Params>(r->params(), "params"));
    PARLEY_ASSIGN_OR_RETURN(auto total, AmountFromBytes(r->total()));
    PARLEY_ASSIGN_OR_RETURN(auto account, Key(r->account()));
    if (r->signature().size() != 64) {
      return Status::PermissionDenied("a deposit needs the paying account's 64-byte signature");
    }
    crypto::Signature sig;
    std::copy(r->signature().begin(), r->signature().end(), sig.begin());
    Hash32 digest = settlement::DepositDigest(ledger_.scheme().ComputeChannelId(params),
                                              r->participant(), r->asset(), total);
    if (!crypto::SchnorrVerify(account, digest, sig)) {
      return Status::PermissionDenied("the deposit is not signed by account " + account.ToHex());
    }
    std::lock_guard lock(deposit_mutex_);
    PARLEY_ASSIGN_OR_RETURN(auto deposits, ledger_.Deposits(params, r->asset()));
    if (r->participant() >= deposits.size()) {
      return Status::InvalidArgument("the channel has no participant " +
                                     std::to_string(r->participant()));
    }
    const channel::Amount& current = deposits[r->participant()];
    if (total <= current) return Status::Ok();  // already there (or a replay)
    return ledger_.Deposit(account, params, r->participant(), r->asset(), total - current);
  });
}

grpc::Status LedgerService::Register(grpc::ServerContext*, const v1::RegisterRequest* r,
                                     v1::LedgerReply*) {
  return Serve([&]() -> Status {
    PARLEY_ASSIGN_OR_RETURN(auto params, FromBytes<channel::Params>(r->params(), "params"));
    PARLEY_ASSIGN_OR_RETURN(auto state,
                            FromBytes<channel::SignedState>(r->signed_state(), "signed state"));
    return ledger_.Register(params, state);
  });
}

grpc::Status LedgerService::Progress(grpc::ServerContext*, const v1::ProgressRequest* r,
                                     v1::LedgerReply*) {
  return Serve([&]() -> Status {
    PARLEY_ASSIGN_OR_RETURN(auto params, FromBytes<channel::Params>(r->params(), "params"));
    PARLEY_ASSIGN_OR_RETURN(auto state,
                            FromBytes<channel::SignedState>(r->signed_state(), "signed state"));
    return ledger_.Progress(params, state, r->actor());
  });
}

grpc::Status LedgerService::Conclude(grpc::ServerContext*, const v1::ConcludeRequest* r,
                                     v1::LedgerReply*) {
  return Serve([&]() -> Status {
    PARLEY_ASSIGN_OR_RETURN(auto params, FromBytes<channel::Params>(r->params(), "params"));
    return ledger_.Conclude(params);
  });
}

grpc::Status LedgerService::Withdraw(grpc::ServerContext*, const v1::WithdrawRequest* r,
                                     v1::LedgerReply*) {
  return Serve([&]() -> Status {
    PARLEY_ASSIGN_OR_RETURN(auto params, FromBytes<channel::Params>(r->params(), "params"));
    return ledger_.Withdraw(params, r->participant());
  });
}

grpc::Status LedgerService::GetDeposits(grpc::ServerContext*, const v1::GetDepositsRequest* r,
                                        v1::GetDepositsReply* reply) {
  return Serve([&]() -> Status {
    PARLEY_ASSIGN_OR_RETURN(auto params, FromBytes<channel::Params>(r->params(), "params"));
    PARLEY_ASSIGN_OR_RETURN(auto deposits, ledger_.Deposits(params, r->asset()));
    for (const auto& d : deposits) reply->add_amounts(wire::AmountToBytes(d));
    return Status::Ok();
  });
}

grpc::Status LedgerService::GetDispute(grpc::ServerContext*, const v1::GetDisputeRequest* r,
                                       v1::GetDisputeReply* reply) {
  return Serve([&]() -> Status {
    PARLEY_ASSIGN_OR_RETURN(auto id, wire::Hash32FromBytes(r->channel_id(), "a channel id"));
    PARLEY_ASSIGN_OR_RETURN(auto dispute, ledger_.GetDispute(id));
    *reply = settlement::DisputeToProto(dispute);
    return Status::Ok();
  });
}

grpc::Status LedgerService::GetBalance(grpc::ServerContext*, const v1::GetBalanceRequest* r,
                                       v1::GetBalanceReply* reply) {
  return Serve([&]() -> Status {
    PARLEY_ASSIGN_OR_RETURN(auto account, Key(r->account()));
    reply->set_amount(wire::AmountToBytes(ledger_.Balance(account, r->asset())));
    return Status::Ok();
  });
}

grpc::Status LedgerService::Now(grpc::ServerContext*, const v1::NowRequest*, v1::NowReply* reply) {
  reply->set_tick(ledger_.Now());
  return grpc::Status::OK;
}

grpc::Status LedgerService::Subscribe(grpc::ServerContext* context, const v1::SubscribeRequest* r,
                                      grpc::ServerWriter<v1::LedgerEvent>* writer) {
  auto id = wire::Hash32FromBytes(r->channel_id(), "a channel id");
  if (!id.ok()) return ToGrpc(id.status());
  return settlement::ServeEvents(ledger_, *id, context, writer);
}

grpc::Status LedgerService::Fund(grpc::ServerContext*, const v1::FundRequest* r,
                                 v1::FundReply* reply) {
  return Serve([&]() -> Status {
    if (!allow_dev_calls_) return DevCallsRefused("Fund");
    PARLEY_ASSIGN_OR_RETURN(auto outpoint, ledger_.Fund(AsBytes(r->script_pubkey()), r->sats()));
    reply->mutable_outpoint()->set_txid(BytesString(outpoint.txid));
    reply->mutable_outpoint()->set_index(outpoint.index);
    return Status::Ok();
  });
}

grpc::Status LedgerService::BroadcastTransaction(grpc::ServerContext*,
                                                 const v1::BroadcastTransactionRequest* r,
                                                 v1::BroadcastTransactionReply* reply) {
  return Serve([&]() -> Status {
    PARLEY_ASSIGN_OR_RETURN(auto tx, crypto::ParseTransaction(AsBytes(r->transaction())));
    PARLEY_ASSIGN_OR_RETURN(auto txid, ledger_.BroadcastTransaction(tx));
    reply->set_txid(BytesString(txid));
    return Status::Ok();
  });
}

grpc::Status LedgerService::GetUtxo(grpc::ServerContext*, const v1::GetUtxoRequest* r,
                                    v1::GetUtxoReply* reply) {
  return Serve([&]() -> Status {
    PARLEY_ASSIGN_OR_RETURN(auto outpoint, FromProto(r->outpoint()));
    PARLEY_ASSIGN_OR_RETURN(auto utxo, ledger_.GetUtxo(outpoint));
    reply->set_sats(utxo.output.amount_sats);
    reply->set_script_pubkey(BytesString(utxo.output.script_pubkey));
    reply->set_height(utxo.height);
    return Status::Ok();
  });
}

}  // namespace parley::rpc
