// Node: one participant's side of its channels (DESIGN.md §2-4). It runs the
// update protocol over a Transport, keeps every channel in a ChannelStore,
// funds and settles through a Funder and an Adjudicator, and watches the
// ledger for disputes. A node may settle on several backends at once (a sim
// ledger and a statechain operator, say): each channel uses the one its
// Params::backend names. A backend may add to the update protocol through a
// StateHook (a statecoin channel's split signatures, docs/statechain.md "In
// the node"): the node keeps the hook's data in the channel's record, sends
// its extra bytes with its own signatures, and refuses a peer's message the
// hook refuses. It works through these interfaces only, so the same
// Node runs on the in-memory network and sim ledger or, in later issues, on
// gRPC and a real chain.
//
// Rules it keeps: a state is persisted before any signature on it is sent; a
// message from a peer that fails any check is answered with a reason and
// changes nothing; a registered stale state is refuted with the latest.
//
// Actions queue per channel; when the channel is idle, every queued action is
// applied in order and the result goes out as one signed state (batching).
//
// Thread-safe. Each channel has a lock of its own, and the store write of an
// update happens under it only, so updates on different channels run (and
// write) concurrently: a store that groups concurrent synced writes, as
// RocksDB does, then shares one disk flush among them. Two limits: deliver
// the messages of one channel from one thread at a time (different channels
// may arrive on different threads), and destroy the node only when no other
// thread can still call into it through the ledger or the transport. Ledger
// events are queued by the ledger's callbacks and handled in
// ProcessLedgerEvents(), which the node also runs after each of its own
// calls; a driver (daemon loop, test) calls it after ledger activity it did
// not cause itself.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "parley/channel/app.h"
#include "parley/channel/channel.h"
#include "parley/channel/scheme.h"
#include "parley/crypto/keys.h"
#include "parley/settlement/adjudicator.h"
#include "parley/settlement/state_hook.h"
#include "parley/store/channel_store.h"
#include "parley/wire/messages.h"
#include "parley/wire/transport.h"

namespace parley::client {

// A settlement backend: how the channels whose Params::backend is
// `scheme.name()` are signed, funded and settled. The three outlive the node.
struct SettlementBackend {
  settlement::Funder& funder;
  settlement::Adjudicator& adjudicator;
  const channel::SignatureScheme& scheme;
  // What the backend adds to the update protocol (docs/statechain.md, "In the
  // node"), e.g. a statecoin channel's split signatures; null for a backend
  // that needs nothing besides the state signatures.
  settlement::StateHook* hook = nullptr;

  std::string_view name() const { return scheme.name(); }
};

struct OpenRequest {
  crypto::PublicKey peer;
  // The backend the channel settles on (SettlementBackend::name()); empty
  // means the node's first backend.
  std::string backend;
  channel::AppId app;
  std::string asset = "native";
  channel::Amount my_deposit;
  channel::Amount peer_deposit;
  uint64_t challenge_duration = 10;  // ledger ticks
  Bytes initial_app_data;
  // The backend's own arguments for the opening (StateHook::ProposeChannel),
  // e.g. the statecoin the channel opens on. Empty for a backend without a
  // hook; OpenChannel refuses them for such a backend.
  Bytes backend_args;
};

// How many queued actions one signed state carries at most.
inline constexpr size_t kMaxActionsPerUpdate = 1024;

// What a node accepts from peers and keeps in memory. The defaults are
// cautious: a node locks none of its own funds for a peer unless told how much
// it may.
struct NodeOptions {
  // The most this node deposits into a channel that a peer proposes; 0 means
  // it accepts only channels the peer funds alone.
  channel::Amount max_deposit_on_proposal = 0;
  // Proposals must give this node's watcher at least this many ticks to answer
  // a stale registration, and lock funds for at most the maximum.
  uint64_t min_challenge_duration = 10;
  uint64_t max_challenge_duration = 100'000;
  // Channels a single peer may open with this node, and all peers together
  // (keys cost nothing, so the per-peer cap alone bounds nothing).
  size_t max_channels_per_peer = 64;
  size_t max_channels = 10'000;
  // Actions waiting in one channel's queue; Update refuses more.
  size_t max_queued_actions = 100'000;
  // Proposals of one channel that may await the peer's answer at once
  // (pipelining; at most channel::kMaxPendingProposals). With 1, an update
  // waits for the one before it and queued actions share the next state.
  size_t max_updates_in_flight = 1;
  // Queued actions that one proposed state carries at most (1 to
  // kMaxActionsPerUpdate). With 1, each action gets a co-signed state of its
  // own, and actions queued behind a proposal go out with the write that
  // completes it.
  size_t max_actions_per_update = kMaxActionsPerUpdate;
};

struct NodeEvent {
  enum class Kind {
    kChannelProposed,  // a peer proposed a channel and this node signed it
    kChannelOpen,      // funded; updates may start
    kUpdated,          // a new fully signed state (version)
    kUpdateFailed,     // an action or proposal was refused (message)
    kDisputed,         // a state was registered on the ledger (version)
    kRefuted,          // this node answered a stale registration (version)
    kConcluded,
    kWithdrawn,
    kEquivocation,  // the peer holds a different fully signed state of one version (message)
    kOffered,       // the peer made an offer (version); see ChannelInfo::offer
  };
  Kind kind;
  channel::ChannelId channel{};
  uint64_t version = 0;
  std::string message;
};
const char* NodeEventKindName(NodeEvent::Kind kind);

// What the node knows of a channel, for display.
struct ChannelInfo {
  channel::ChannelId id{};
  channel::Params params;
  channel::ParticipantIndex self = 0;
  channel::Phase phase = channel::Phase::kProposing;
  channel::State latest;  // the highest fully signed state
  bool update_in_flight = false;
  size_t queued_actions = 0;
  // The latest offer (this node's, or the best the peer made), if any.
  std::optional<channel::State> offer;
  bool offer_from_peer = false;
};

class Node {
 public:
  // The collaborators outlive the node. `key` is the node's identity and the
  // key it signs channel states with. `backends` are the settlement backends
  // the node opens and accepts channels on; the first is the default of
  // OpenRequest::backend. Start() refuses an empty set and two backends of
  // one name.
  Node(crypto::PrivateKey key, store::Store& store, wire::Transport& transport,
       std::vector<SettlementBackend> backends, const channel::AppRegistry& apps,
       NodeOptions options = {});
  // A node with one backend.
  Node(crypto::PrivateKey key, store::Store& store, wire::Transport& transport,
       settlement::Funder& funder, settlement::Adjudicator& adjudicator,
       const channel::SignatureScheme& scheme, const channel::AppRegistry& apps,
       NodeOptions options = {});
  ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // Loads every stored channel, resumes funding where a deposit is missing,
  // sends again the proposals that await an answer, acts on disputes raised
  // while the node was down, and starts watching the ledger. Call once,
  // before anything else. InvalidArgument if the store holds channels of
  // another key, or of a backend the node was not given (or if the backends
  // are empty or share a name).
  Status Start();

  // Proposes a channel to `request.peer` and returns its id. The channel
  // opens once the peer signs and both deposits are on the ledger. NotFound,
  // naming the backends it has, if the node has no backend `request.backend`.
  Result<channel::ChannelId> OpenChannel(const OpenRequest& request);

  // Queues an app action (e.g. PaymentApp::PayAction) and proposes it when
  // the channel is idle. An action that fails against an idle channel
  // returns the app's Status at once. A channel still in funding looks at
  // the ledger first: the deposits may be in, unseen so far.
  Status Update(const channel::ChannelId& id, Bytes action);

  // One-way updates (streaming vouchers). Offer applies `action` for this
  // node to its latest offer (or, with none, the latest state), signs the
  // result alone and sends it; the peer checks it and keeps the best offer,
  // without answering. Each offer must be a transition the app accepts from
  // the latest fully signed state, so an app's offers are cumulative (a
  // voucher pays everything so far).
  Status Offer(const channel::ChannelId& id, Bytes action);
  // Countersigns the peer's best offer, which becomes the latest state, and
  // sends it to the peer; Close or ForceClose then settle with it.
  // FailedPrecondition if the peer has made no offer.
  Status AcceptOffer(const channel::ChannelId& id);

  // Cooperative close: proposes a final copy of the latest state. Once it is
  // signed, Settle() concludes at once.
  Status Close(const channel::ChannelId& id);
  // Registers the latest fully signed state on the ledger, starting a dispute.
  Status ForceClose(const channel::ChannelId& id);
  // Adopts a fully signed state made outside the update protocol, such as the
  // latest streaming voucher countersigned by this node
  // (apps::StreamPayee::Settleable). Every signature must verify, this
  // node's among them, and the state must be newer than the latest; a
  // disputed channel registers it at once, otherwise ForceClose settles with
  // it. FailedPrecondition if it is not newer, or for a channel whose
  // backend has a state hook (a statecoin channel's state settles only with
  // the split signatures a SyncState carries); the reason of
  // Channel::AdoptSigned for a state that does not verify.
  Status AdoptState(const channel::ChannelId& id, const channel::SignedState& state);

  // Answers a dispute of a turn-based app with a move on the ledger: applies
  // `action` (e.g. a chess move) for this node to the state the ledger holds
  // and submits it, signed by this node alone (Adjudicator::Progress). The
  // ledger accepts it once the dispute phase is over, from the participant
  // whose turn it is, before the move window closes. FailedPrecondition
  // outside a dispute; the app's reason for a move it refuses.
  Status ForceMove(const channel::ChannelId& id, Bytes action);
  // Does what settlement allows now: registers a final state, concludes when
  // the timeout has passed (FailedPrecondition with the tick otherwise), and
  // withdraws this node's share. On a backend with a hook, the hook does it
  // (StateHook::ConcludeAndWithdraw: a coin channel completes its split).
  Status Settle(const channel::ChannelId& id);

  // Handles one message from a peer. Returns the outcome of the checks; a
  // refused proposal is answered with the reason. A refused message leaves
  // the stored channel as it was, except that a validly signed proposal uses
  // up its version (see Channel::HandleProposal).
  Status HandleMessage(const wire::PeerId& from, ByteView bytes);
  // Handles messages that arrived together, in order. The update proposals
  // and answers of open channels among them are handled in groups: a group's
  // channels stay locked until the records that changed reach the disk in one
  // synced write, and only then is anything they produced sent. If that
  // write fails, each changed channel is restored as it was before the group,
  // a kUpdateFailed event says so, the node offers the peer its latest state
  // and pending proposals (so the peer sends its messages again), and the
  // burst's later messages for that channel are refused with the failure.
  // Returns each message's outcome; HandleMessage is a burst of one.
  std::vector<Status> HandleMessages(std::vector<wire::Transport::Incoming> messages);
  // A stream to `peer` has (re)opened: sends it the latest fully signed state
  // of every channel the two share (the higher version wins on both sides),
  // and sends again the proposals that await its answer, which may have been
  // lost with the old stream. The peer answers a proposal it already signed
  // with the same signature.
  void OnPeerConnected(const wire::PeerId& peer);

  // Handles queued ledger events: refutes stale registrations, follows
  // disputes, conclusions and withdrawals, and opens funded channels.
  void ProcessLedgerEvents();

  Result<ChannelInfo> GetChannel(const channel::ChannelId& id) const;
  // The highest fully signed state with its signatures, e.g. the base a
  // stream of vouchers starts from.
  Result<channel::SignedState> LatestSignedState(const channel::ChannelId& id) const;
  std::vector<ChannelInfo> ListChannels() const;
  // The channel's latest backup (StateHook::LatestBackupTx: a statecoin
  // channel's). NotFound for an unknown channel; FailedPrecondition for a
  // backend without backups, and before the first backup.
  Result<settlement::HookBackup> LatestBackup(const channel::ChannelId& id) const;
  const crypto::PublicKey& id() const { return key_.public_key(); }

  // Called for every NodeEvent, in order, on a thread that called into the
  // node (with one thread driving the node, always that one), holding none of
  // the node's locks: it may call the node, e.g. Update to pay again once a
  // payment completes. Set it before Start(); keep it short (an Update that
  // proposes at once makes a synced write on that thread).
  void SetObserver(std::function<void(const NodeEvent&)> observer);

 private:
  struct Entry;       // a channel, its action queue and its lock
  struct WriteGroup;  // channels of a burst that share one synced write
  using Outbox = std::vector<std::pair<wire::PeerId, wire::Message>>;

  // Handles queued ledger events, runs `body`, then sends and emits what it
  // produced.
  Status Transact(const std::function<Status()>& body);
  // Transact on one channel: `body` runs with the channel's lock held.
  Status OnChannel(const channel::ChannelId& id, const std::function<Status(Entry&)>& body);
  // Sends queued messages, emits queued events and handles ledger events,
  // until nothing is left. One thread flushes at a time, which keeps each
  // peer's messages in order; a thread that finds another flushing leaves
  // its work to it and returns at once. Called with no lock held.
  void Flush();

  // These take mutex_ briefly; call them with or without a channel's lock,
  // never with mutex_ held. While the calling thread fills a WriteGroup of
  // this node, Queue and Emit hold back what they are given in the group.
  Result<Entry*> Find(const channel::ChannelId& id) const;
  void Queue(const wire::PeerId& to, wire::Message message);
  void Emit(NodeEvent event);

  // Runs the handler of `message`; HandleMessage without its flushes.
  Status Dispatch(const wire::PeerId& from, const wire::Message& message);
  // Handles `message` in `group` if it is an update of an open channel
  // (which joins the group, locked), otherwise closes the group and
  // dispatches it alone. `outcome` is where its result goes.
  void HandleInGroup(WriteGroup& group, const wire::PeerId& from, const wire::Message& message,
                     Status& outcome);
  // Writes the channels of `group` in one synced write, then releases what
  // they produced; if the write fails, restores them and sets their
  // messages' outcomes to the failure. Unlocks them; the group is empty after.
  void CloseGroup(WriteGroup& group);
  // The group the calling thread is filling for this node, or null.
  WriteGroup* ActiveGroup() const;
  static thread_local WriteGroup* active_group_;
  // Watches the ledger of `entry`'s backend for its channel.
  void Subscribe(const Entry& entry);

  // The backend named `name` (empty: the first); NotFound naming those the
  // node has.
  Result<const SettlementBackend*> FindBackend(std::string_view name) const;

  Result<channel::ParticipantIndex> IndexOf(const channel::Params& params,
                                            const crypto::PublicKey& key) const;

  Status OnChannelProposal(const wire::PeerId& from, const wire::ChannelProposal& m);
  // Answers a channel proposal this node has already signed, which the peer
  // sent again because the answer was lost.
  Status OnKnownChannelProposal(Entry& entry, const wire::PeerId& from,
                                const wire::ChannelProposal& m);
  // With mutex_ held: the channel proposal `m` from `from` is within this
  // node's options.
  Status CheckProposalPolicy(const wire::PeerId& from, const wire::ChannelProposal& m,
                             channel::ParticipantIndex self) const;

  // The helpers below run with the entry's lock held.
  // Persists `next` and makes it the entry's channel: the step before any
  // send. In a WriteGroup the write happens when the group closes.
  Status Commit(Entry& entry, channel::Channel next);
  Status OnChannelAccept(Entry& entry, const wire::PeerId& from, const wire::ChannelAccept& m);
  Status OnChannelReject(Entry& entry, const wire::PeerId& from, const wire::ChannelReject& m);
  Status OnUpdateProposal(Entry& entry, const wire::PeerId& from, const wire::UpdateProposal& m);
  Status OnUpdateAccept(Entry& entry, const wire::PeerId& from, const wire::UpdateAccept& m);
  Status OnUpdateReject(Entry& entry, const wire::PeerId& from, const wire::UpdateReject& m);
  Status OnSyncState(Entry& entry, const wire::PeerId& from, const wire::SyncState& m);
  Status OnStateOffer(Entry& entry, const wire::PeerId& from, const wire::StateOffer& m);
  // Makes `next`, which adopted a newer fully signed state, the channel, and
  // acts on it (`how` goes into the event). With a hook, `extra` (a
  // SyncState's) must carry what settles the state; null refuses.
  Status AdoptNewer(Entry& entry, channel::Channel next, const std::string& how,
                    const Bytes* extra);
  // Queues a SyncState of the latest fully signed state, with the hook's
  // extra (its data stored first).
  void QueueSync(Entry& entry);
  // Queues the pending proposal of `entry` again, if there is one.
  void ResendPending(Entry& entry);
  // The extra of this node's ChannelProposal or ChannelAccept, to send it
  // again: empty without a hook; the hook's refusal is logged.
  Result<Bytes> OpeningExtraAgain(const Entry& entry) const;
  // Queues what a peer that has just (re)connected may have missed.
  void OfferLatest(Entry& entry);
  // Acts on what the ledger holds for a channel, as if its events had
  // arrived: for disputes raised while the node was down.
  void CatchUpWithLedger(Entry& entry);
  // Proposes the queued actions while fewer than max_updates_in_flight
  // proposals await the peer (each proposal takes what is queued, up to a
  // batch).
  Status ProposeQueued(Entry& entry);
  // Adds to `draft` the proposals ProposeQueued would make, persists it in
  // one synced write (skipped when neither `draft_changed` nor a proposal
  // was made), runs `committed`, then queues the proposals. If the write
  // fails, the entry's channel stays as it was and the drafted actions are
  // dropped. Returns the write's failure, else the first action's.
  Status CommitAndPropose(Entry& entry, channel::Channel draft, bool draft_changed,
                          const std::function<void()>& committed);
  // Adds to `draft` one proposal: the queued actions (up to a batch) on top
  // of its last pending proposal or latest state; or the final state of a
  // requested close. Nothing when there is nothing to propose or it fails
  // (the failure goes into `first_failure` unless one is there).
  std::optional<wire::UpdateProposal> DraftProposal(Entry& entry, channel::Channel& draft,
                                                    Status& first_failure);
  // Deposits this node's missing share and opens the channel once funded.
  Status AdvanceFunding(Entry& entry);
  // Opens a channel in funding if every deposit is on the ledger; never
  // deposits (for calls that only suspect the deposits are in: a deposit
  // still unconfirmed would be sent twice).
  Status OpenIfFunded(Entry& entry);
  // Opens a channel in funding whose deposits are all in (the caller has
  // read them): persisted, announced, then the queued actions proposed.
  Status MarkOpen(Entry& entry);
  void HandleLedgerEvent(Entry& entry, const settlement::Event& event);
  ChannelInfo Info(const Entry& entry) const;

  // Takes the channel's lock, then HandleLedgerEvent.
  void OnLedgerEvent(const settlement::Event& event);

  const crypto::PrivateKey key_;
  store::ChannelStore channels_store_;
  wire::Transport& transport_;
  const std::vector<SettlementBackend> backends_;
  const channel::AppRegistry& apps_;
  const NodeOptions options_;

  // Guards everything below up to events_mutex_. Lock order: a channel's
  // lock, then mutex_; never the other way round.
  mutable std::mutex mutex_;
  std::map<channel::ChannelId, std::unique_ptr<Entry>> entries_;
  std::vector<std::pair<settlement::Adjudicator*, uint64_t>> subscriptions_;
  Outbox outbox_;
  std::vector<NodeEvent> emitted_;
  std::function<void(const NodeEvent&)> observer_;
  bool flushing_ = false;     // a thread is in Flush
  bool flush_again_ = false;  // ... and has more to do than it took

  // Ledger callbacks only queue here, so a ledger call made under a lock
  // cannot deadlock.
  std::mutex events_mutex_;
  std::deque<settlement::Event> ledger_events_;
};

}  // namespace parley::client
