// Tower: the decisions of an outsourced watchtower (docs/operations.md).
// Clients (nodes) hand it the latest fully signed state of their channels;
// it keeps the highest version of each, watches the ledger, and refutes a
// registered state older than the one it holds by registering its own. It
// keeps its records in a Store, so a restarted tower watches them again and
// refutes what was registered while it was down.
//
// What it accepts: params of its scheme's backend, a state of that channel
// signed by every participant (SignatureScheme::Verify), from a client that
// is one of the participants, at a version above the one it holds (the same
// state again is a harmless no-op). Each client may have `quota_per_client`
// channels watched. A refused request changes nothing.
//
// It can only register states every participant signed: it cannot sign, move
// funds, conclude or withdraw. A concluded channel is forgotten, which frees
// its clients' quota.
//
// Thread-safe. Ledger callbacks only queue events; ProcessLedgerEvents()
// acts on them (the binary calls it from its main loop, tests by hand).
// Ledger calls run without the tower's locks held.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <vector>

#include "parley/channel/scheme.h"
#include "parley/settlement/adjudicator.h"
#include "parley/store/store.h"
#include "parley/watchtower/auth.h"

namespace parley::watchtower {

class ChallengeBook;
struct TowerRecord;

struct TowerOptions {
  // Channels one client may have watched at once.
  size_t quota_per_client = 1000;
  // Channels of all clients together (keys cost nothing, so the per-client
  // quota alone bounds nothing).
  size_t max_channels = 100'000;
  // If not empty, only these client keys may hand over states.
  std::vector<crypto::PublicKey> allowed_clients;
  // How long a challenge stays valid, and how many are remembered at once
  // (issuing one more drops the oldest).
  std::chrono::seconds challenge_ttl{60};
  size_t max_challenges = 10'000;
  // How soon a ledger call that failed (the ledger unreachable) is retried.
  std::chrono::milliseconds retry_interval{1000};
  // The clock for challenge expiry and retries; tests replace it.
  std::function<std::chrono::steady_clock::time_point()> now = std::chrono::steady_clock::now;
};

// What the tower holds for one channel of a client.
struct WatchedChannel {
  channel::ChannelId id{};
  uint64_t version = 0;          // of the latest state held
  uint64_t refuted_version = 0;  // the last stale registration refuted, 0 if none
};

// StoreState's answer. parley::StatusCode has no code for an exhausted
// quota, which a client must tell apart (gRPC's RESOURCE_EXHAUSTED), hence
// `over_quota`.
struct StoreOutcome {
  Status status;             // OK, or why nothing was stored
  bool over_quota = false;   // the refusal is the client's quota or the tower's capacity
  WatchedChannel channel;    // when OK: what the tower now holds
  size_t channels_used = 0;  // the client's channels, after the call
};

class Tower {
 public:
  // `store`, `adjudicator` and `scheme` outlive the tower; the tower accepts
  // channels whose Params::backend is scheme.name().
  Tower(store::Store& store, settlement::Adjudicator& adjudicator,
        const channel::SignatureScheme& scheme, TowerOptions options = {});
  ~Tower();  // ends every ledger subscription
  Tower(const Tower&) = delete;
  Tower& operator=(const Tower&) = delete;

  // Loads every stored channel, subscribes to its ledger events, and refutes
  // what was registered while the tower was down. Call once, before the
  // rest. Corruption if a stored record does not decode or is stored under
  // another channel's key.
  Status Start();

  // A fresh challenge for one authenticated request.
  Hash32 NewChallenge();
  std::chrono::seconds challenge_ttl() const { return options_.challenge_ttl; }
  size_t quota_per_client() const { return options_.quota_per_client; }

  // OK, using the challenge up, if `auth` carries an outstanding challenge
  // and its client's signature over `call` (kStoreStateCall, ...) and
  // `content` (StoreStateContent, ...). PermissionDenied naming what is
  // wrong otherwise.
  Status Authenticate(const Auth& auth, std::string_view call, ByteView content);

  // Stores the channel's state for `client`, whom Authenticate has
  // authenticated for this request. Status codes: PermissionDenied for a
  // client not allowed or not a participant, or a state not signed by every
  // participant; InvalidArgument for malformed params or a state of another
  // channel or backend; FailedPrecondition for a version below the one held
  // (or another state of the same version), and with `over_quota` beyond
  // the quota; IoError if the store fails.
  StoreOutcome StoreState(const crypto::PublicKey& client, const channel::Params& params,
                          const channel::SignedState& state);

  // The channels `client` (authenticated) has handed over, in id order.
  std::vector<WatchedChannel> ListWatched(const crypto::PublicKey& client) const;

  // Acts on queued ledger events: refutes stale registrations, forgets
  // concluded channels, and retries ledger calls that failed.
  void ProcessLedgerEvents();

 private:
  struct Held;  // a record and its subscription

  // The checks that need no lock: well-formed, this backend, a participant,
  // every signature.
  Status CheckRequest(const crypto::PublicKey& client, const channel::Params& params,
                      const channel::SignedState& state) const;
  // Under mutex_: stores `state` for `client`; sets `created` if the
  // channel is new to the tower.
  StoreOutcome Put(const crypto::PublicKey& client, const channel::Params& params,
                   const channel::SignedState& state, bool& created);
  // Subscribes to a channel's ledger events (without mutex_ held).
  void Watch(const channel::ChannelId& id);
  // Reads the ledger's dispute of `id` and refutes it if stale; forgets the
  // channel once concluded. A ledger call that fails is retried later.
  void Check(const channel::ChannelId& id);
  // Records that the registration of `version` was refuted.
  void NoteRefuted(const channel::ChannelId& id, uint64_t version);
  // Deletes a concluded channel and frees its clients' quota.
  void Forget(const channel::ChannelId& id);
  // Writes `record` (under mutex_, so records are written in the order
  // they change).
  Status Persist(const channel::ChannelId& id, const TowerRecord& record);

  store::Store& store_;
  settlement::Adjudicator& adjudicator_;
  const channel::SignatureScheme& scheme_;
  const TowerOptions options_;
  std::unique_ptr<ChallengeBook> challenges_;

  // Guards the maps below. Never held during a ledger call.
  mutable std::mutex mutex_;
  std::map<channel::ChannelId, std::unique_ptr<Held>> held_;
  std::map<crypto::PublicKey, size_t> used_;  // channels per client
  std::set<channel::ChannelId> disputed_;     // a registration was seen
  std::set<channel::ChannelId> retry_;        // a ledger call failed
  std::chrono::steady_clock::time_point next_retry_{};

  // Ledger callbacks queue here only.
  std::mutex events_mutex_;
  std::deque<settlement::Event> events_;
};

}  // namespace parley::watchtower
