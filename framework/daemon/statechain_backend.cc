#include "statechain_backend.h"

#include "parley/settlement/statechain/backup.h"

namespace parley::daemon {

namespace sc = settlement::statechain;

namespace {

// Where splits pay this node: the taproot key of its node key.
Bytes PayoutScript(const crypto::PrivateKey& node_key) {
  const auto script = sc::BackupScriptPubKey(node_key.public_key());
  return Bytes(script.begin(), script.end());
}

Status FundedByItsHook() {
  return Status::FailedPrecondition(
      "a channel on a statecoin is funded by moving the coin into it, not by deposits");
}

}  // namespace

Status StatechainBackend::HookFunds::Deposit(const channel::Params&, channel::ParticipantIndex,
                                             const std::string&, const channel::Amount&) {
  return FundedByItsHook();
}

Result<std::vector<channel::Amount>> StatechainBackend::HookFunds::Deposits(
    const channel::Params&, const std::string&) const {
  return FundedByItsHook();
}

StatechainBackend::StatechainBackend(const std::string& address, const crypto::PrivateKey& node_key,
                                     sc::BackupPolicy backups)
    : coins_(address),
      adjudicator_(address, node_key),
      hook_(
          node_key, adjudicator_, coins_,
          [this](const sc::OpenChannelRequest& request) {
            return adjudicator_.OpenChannel(request);
          },
          PayoutScript(node_key), backups) {}

}  // namespace parley::daemon
