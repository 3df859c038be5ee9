// LedgerService: the sim ledger served over gRPC (service parley.v1.Ledger),
// so that several daemons settle on one devchain. It only translates: every
// decision is the SimLedger's, except the check that a deposit is signed by
// the account that pays for it.
#pragma once

#include <memory>
#include <mutex>

#include "parley/settlement/sim_ledger.h"
#include "parley/v1/ledger.grpc.pb.h"

namespace parley::rpc {

class LedgerService final : public v1::Ledger::Service {
 public:
  // `allow_dev_calls` opens Mint, Advance and Fund to every caller: for tests and
  // single-person demos only. Without it they are PERMISSION_DENIED, and the
  // hosting daemon's timer is the only clock.
  explicit LedgerService(settlement::SimLedger& ledger, bool allow_dev_calls = false)
      : ledger_(ledger), allow_dev_calls_(allow_dev_calls) {}

  grpc::Status Mint(grpc::ServerContext*, const v1::MintRequest*, v1::LedgerReply*) override;
  grpc::Status Advance(grpc::ServerContext*, const v1::AdvanceRequest*, v1::LedgerReply*) override;
  grpc::Status Deposit(grpc::ServerContext*, const v1::DepositRequest*, v1::LedgerReply*) override;
  grpc::Status Register(grpc::ServerContext*, const v1::RegisterRequest*,
                        v1::LedgerReply*) override;
  grpc::Status Progress(grpc::ServerContext*, const v1::ProgressRequest*,
                        v1::LedgerReply*) override;
  grpc::Status Conclude(grpc::ServerContext*, const v1::ConcludeRequest*,
                        v1::LedgerReply*) override;
  grpc::Status Withdraw(grpc::ServerContext*, const v1::WithdrawRequest*,
                        v1::LedgerReply*) override;
  grpc::Status GetDeposits(grpc::ServerContext*, const v1::GetDepositsRequest*,
                           v1::GetDepositsReply*) override;
  grpc::Status GetDispute(grpc::ServerContext*, const v1::GetDisputeRequest*,
                          v1::GetDisputeReply*) override;
  grpc::Status GetBalance(grpc::ServerContext*, const v1::GetBalanceRequest*,
                          v1::GetBalanceReply*) override;
  grpc::Status Now(grpc::ServerContext*, const v1::NowRequest*, v1::NowReply*) override;
  grpc::Status Subscribe(grpc::ServerContext*, const v1::SubscribeRequest*,
                         grpc::ServerWriter<v1::LedgerEvent>*) override;
  grpc::Status Fund(grpc::ServerContext*, const v1::FundRequest*, v1::FundReply*) override;
  grpc::Status BroadcastTransaction(grpc::ServerContext*, const v1::BroadcastTransactionRequest*,
                                    v1::BroadcastTransactionReply*) override;
  grpc::Status GetUtxo(grpc::ServerContext*, const v1::GetUtxoRequest*, v1::GetUtxoReply*) override;

 private:
  settlement::SimLedger& ledger_;
  const bool allow_dev_calls_;
  std::mutex deposit_mutex_;  // reading the deposit and topping it up is one step
};

}  // namespace parley::rpc
