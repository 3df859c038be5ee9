// RemoteSimLedger: a devchain (a sim ledger served by another process over
// gRPC, proto/parley/v1/ledger.proto) as the Funder and Adjudicator of the
// holder of `account`, and as a BitcoinLedger. Deposits are signed by the
// account; everything else is authorized by the states' or transactions' own
// signatures, as on the local ledger.
//
// Every call waits at most `call_timeout` for the devchain; an unreachable
// one gives IoError naming the address.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "parley/crypto/keys.h"
#include "parley/settlement/adjudicator.h"
#include "parley/settlement/bitcoin_ledger.h"

namespace parley::settlement {

class RemoteSimLedger : public Funder, public Adjudicator, public BitcoinLedger {
 public:
  RemoteSimLedger(const std::string& address, crypto::PrivateKey account,
                  std::chrono::milliseconds call_timeout = std::chrono::seconds(10));
  ~RemoteSimLedger() override;  // ends every subscription

  Status Deposit(const channel::Params& params, channel::ParticipantIndex participant,
                 const std::string& asset, const channel::Amount& amount) override;
  Result<std::vector<channel::Amount>> Deposits(const channel::Params& params,
                                                const std::string& asset) const override;
  Status Register(const channel::Params& params, const channel::SignedState& state) override;
  Status Progress(const channel::Params& params, const channel::SignedState& to,
                  channel::ParticipantIndex actor) override;
  Status Conclude(const channel::Params& params) override;
  Status Withdraw(const channel::Params& params, channel::ParticipantIndex participant) override;
  Result<Dispute> GetDispute(const channel::ChannelId& channel) const override;
  // Returns once the devchain has the subscription, so no later event is
  // missed. Events arrive on a thread of the subscription's own.
  uint64_t Subscribe(const channel::ChannelId& channel, Handler handler) override;
  void Unsubscribe(uint64_t subscription) override;
  // The devchain's tick; the last one seen if it cannot be reached.
  Tick Now() const override;

  // The devchain's development calls.
  Status Mint(const crypto::PublicKey& account, const std::string& asset,
              const channel::Amount& amount);
  Status Advance(Tick ticks);
  Result<channel::Amount> Balance(const crypto::PublicKey& account, const std::string& asset) const;

  // BitcoinLedger, with the devchain's Status codes and messages. Fund is a
  // development call, like Mint. Height() is Now(): the last height seen if
  // the devchain cannot be reached.
  Result<crypto::OutPoint> Fund(ByteView script_pubkey, int64_t sats) override;
  Result<Hash32> BroadcastTransaction(const crypto::Transaction& tx) override;
  Result<Utxo> GetUtxo(const crypto::OutPoint& outpoint) const override;
  uint64_t Height() const override { return Now(); }

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace parley::settlement
