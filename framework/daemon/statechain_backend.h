// StatechainBackend: what `parleyd --statechain HOST:PORT` adds to the node
// (docs/statechain.md, "In the node"): a settlement backend named
// "statechain" whose adjudicator is the operator over gRPC
// (RemoteOperatorAdjudicator) and whose state hook is a CoinChannelHook, so
// the node runs payment channels on statecoins. Splits pay this node at the
// taproot key of its node key.
#pragma once

#include <memory>
#include <string>

#include "parley/channel/scheme.h"
#include "parley/client/node.h"
#include "parley/crypto/keys.h"
#include "parley/settlement/statechain/coin_channel_hook.h"
#include "parley/settlement/statechain/remote_operator.h"
#include "parley/settlement/statechain/remote_operator_adjudicator.h"

namespace parley::daemon {

class StatechainBackend {
 public:
  // `address` is the operator's HOST:PORT; connects lazily (never fails
  // here: the first channel's calls report an unreachable operator).
  // `backups`: when its channels' backups are made (parleyd
  // --statechain-backup-every, --statechain-backup-step).
  StatechainBackend(const std::string& address, const crypto::PrivateKey& node_key,
                    settlement::statechain::BackupPolicy backups = {});

  client::SettlementBackend backend() {
    return {.funder = funder_, .adjudicator = adjudicator_, .scheme = scheme_, .hook = &hook_};
  }

 private:
  // A channel on a coin is funded by its hook (the owner moves the coin
  // into it): the node never asks this Funder.
  class HookFunds final : public settlement::Funder {
   public:
    Status Deposit(const channel::Params&, channel::ParticipantIndex, const std::string&,
                   const channel::Amount&) override;
    Result<std::vector<channel::Amount>> Deposits(const channel::Params&,
                                                  const std::string&) const override;
  };

  settlement::statechain::RemoteOperator coins_;
  settlement::statechain::RemoteOperatorAdjudicator adjudicator_;
  channel::Bip340Scheme scheme_{"statechain"};
  HookFunds funder_;
  settlement::statechain::CoinChannelHook hook_;
};

}  // namespace parley::daemon
