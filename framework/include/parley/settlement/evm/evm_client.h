// EvmClient: the Funder and Adjudicator of DESIGN.md §3 on an EVM chain,
// acting as one account (docs/evm.md). It calls the Adjudicator contract
// through TxSender (so a call the contract refuses is never sent, and returns
// the contract's reason with the matching Status code) and reads events from
// the chain's logs.
//
// Time is block time: Now() is the latest block's timestamp in seconds, and a
// channel's challenge duration is in seconds.
//
// Events are polled from the logs, `confirmations` blocks deep. If the chain
// reorganizes below the newest block delivered, the client rewinds to the fork
// and delivers the events of the new branch: handlers see every event of the
// canonical chain at least once.
#pragma once

#include <chrono>
#include <memory>

#include "parley/crypto/keys.h"
#include "parley/settlement/adjudicator.h"
#include "parley/settlement/evm/eth_client.h"
#include "parley/settlement/evm/evm_scheme.h"
#include "parley/settlement/evm/tx_sender.h"
#include "parley/store/store.h"

namespace parley::settlement::evm {

struct EvmClientOptions {
  TxOptions tx;
  // How often the logs are read for subscribers (default: 100 ms).
  std::chrono::milliseconds poll_interval = std::chrono::milliseconds(100);
  // Where the newest block whose events were delivered is kept, so that
  // after a restart subscriptions catch up from there: events that came while
  // the process was down are delivered too (default: none; subscriptions start
  // at the next block). Must outlive the client.
  store::Store* event_cursor = nullptr;
};

class EvmClient : public Funder, public Adjudicator {
 public:
  // A client of the Adjudicator at `adjudicator` acting as `key`'s account,
  // which pays for deposits and gas. Reads the chain id; IoError if the chain
  // cannot be reached, FailedPrecondition if no contract is at the address.
  // `chain` must outlive the client.
  static Result<std::unique_ptr<EvmClient>> Create(const EthClient& chain,
                                                   const crypto::EthAddress& adjudicator,
                                                   crypto::PrivateKey key,
                                                   EvmClientOptions options = {});
  ~EvmClient() override;

  // How channels of this deployment are named and their states signed.
  const EvmScheme& scheme() const;
  const crypto::EthAddress& address() const;

  // Funder. Ether ("eth") is sent as the call's value; a token is approved
  // for the amount and then pulled by the contract.
  Status Deposit(const channel::Params& params, channel::ParticipantIndex participant,
                 const std::string& asset, const channel::Amount& amount) override;
  Result<std::vector<channel::Amount>> Deposits(const channel::Params& params,
                                                const std::string& asset) const override;

  // Adjudicator.
  Status Register(const channel::Params& params, const channel::SignedState& state) override;
  Status Progress(const channel::Params& params, const channel::SignedState& to,
                  channel::ParticipantIndex actor) override;
  Status Conclude(const channel::Params& params) override;
  Status Withdraw(const channel::Params& params, channel::ParticipantIndex participant) override;
  // In one transaction when the channel can conclude: with nothing
  // registered, concludeFinal of a final `latest`; with a registered state,
  // concludeAndWithdrawAll. Both pay every participant. Ok if `self` has
  // already been paid so.
  Status ConcludeAndWithdraw(const channel::Params& params, const channel::SignedState& latest,
                             channel::ParticipantIndex self) override;
  Result<Dispute> GetDispute(const channel::ChannelId& channel) const override;
  uint64_t Subscribe(const channel::ChannelId& channel, Handler handler) override;
  void Unsubscribe(uint64_t subscription) override;
  Tick Now() const override;

  class Impl;

 private:
  explicit EvmClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace parley::settlement::evm
