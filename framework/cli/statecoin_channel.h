// parley channel open --statecoin COIN_ID: a payment channel on a coin of
// the `parley statecoin` wallet (docs/statechain.md, "parley channel open
// --statecoin").
#pragma once

#include <string>

#include "cli_common.h"
#include "statecoin_wallet.h"

namespace parley::cli {

// Hands the coin `coin_id` of the wallet in `wallet_options` to the node
// and proposes a channel on it to `request.peer()` (with its app and
// challenge duration; the backend, its arguments, the asset and the
// deposits are set here: the coin's whole amount to this node, nothing to
// the peer). The wallet marks the coin as in the channel once the node has
// accepted the request, and only then: if the node refuses it or cannot be
// reached, the coin stays usable. Returns the channel once it is open;
// dies with a message a user can act on otherwise (an unknown coin, a coin
// in a channel already, a node without --statechain, ...).
v1::ChannelInfo OpenOnStatecoin(const Options& o, const StatecoinOptions& wallet_options,
                                const std::string& coin_id, v1::OpenChannelRequest request);

// parley channel backup CHANNEL_ID [--broadcast [--chain sim://HOST:PORT]]:
// prints the latest backup of a channel on a statecoin as the node keeps
// it (GetChannelBackup): its checkpoint version, lock time, txid and raw
// transaction, or one JSON object with --json. With `broadcast`, first
// broadcasts it to the devchain at `chain`, as `statecoin exit` does a
// coin's backup; dies (status 1) with the ledger's reason and the height
// at which it becomes valid if it is early.
void ChannelBackup(const Options& o, const std::string& channel_id, bool broadcast,
                   const std::string& chain);

}  // namespace parley::cli
