#include "parley/client/node.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "node_entry.h"
#include "parley/crypto/random.h"
#include "parley/util/codec.h"

namespace parley::client {

using channel::Channel;
using channel::ChannelId;
using channel::ParticipantIndex;
using channel::Phase;

namespace {

// How many queued actions go into one signed state at most.
constexpr size_t kMaxBatch = 1024;

// A reason a peer can decode: at most wire::kMaxReasonLength bytes.
std::string Reason(const Status& status) {
  return status.message().substr(0, wire::kMaxReasonLength);
}

}  // namespace

const char* NodeEventKindName(NodeEvent::Kind kind) {
  switch (kind) {
    case NodeEvent::Kind::kChannelProposed:
      return "channel-proposed";
    case NodeEvent::Kind::kChannelOpen:
      return "channel-open";
    case NodeEvent::Kind::kUpdated:
      return "updated";
    case NodeEvent::Kind::kUpdateFailed:
      return "update-failed";
    case NodeEvent::Kind::kDisputed:
      return "disputed";
    case NodeEvent::Kind::kRefuted:
      return "refuted";
    case NodeEvent::Kind::kConcluded:
      return "concluded";
    case NodeEvent::Kind::kWithdrawn:
      return "withdrawn";
    case NodeEvent::Kind::kEquivocation:
      return "equivocation";
    case NodeEvent::Kind::kOffered:
      return "offered";
  }
  return "unknown";
}

Node::Node(crypto::PrivateKey key, store::Store& store, wire::Transport& transport,
           settlement::Funder& funder, settlement::Adjudicator& adjudicator,
           const channel::SignatureScheme& scheme, const channel::AppRegistry& apps,
           NodeOptions options)
    : key_(std::move(key)),
      channels_store_(store),
      transport_(transport),
      funder_(funder),
      adjudicator_(adjudicator),
      scheme_(scheme),
      apps_(apps),
      options_(std::move(options)) {}

Node::~Node() {
  transport_.SetReceiver(nullptr);
  std::lock_guard lock(mutex_);
  for (uint64_t s : subscriptions_) adjudicator_.Unsubscribe(s);
}

void Node::SetObserver(std::function<void(const NodeEvent&)> observer) {
  std::lock_guard lock(mutex_);
  observer_ = std::move(observer);
}

Status Node::Start() {
  Status status = [&]() -> Status {
    PARLEY_ASSIGN_OR_RETURN(auto records, channels_store_.LoadAll());
    std::vector<Entry*> loaded;
    for (auto& record : records) {
      PARLEY_ASSIGN_OR_RETURN(const channel::App* app, apps_.Find(record.params.app));
      PARLEY_ASSIGN_OR_RETURN(Channel c, Channel::Restore(std::move(record), scheme_, *app));
      if (c.params().participants[c.self()] != key_.public_key()) {
        return Status::InvalidArgument("the store holds channel " + ShortId(c.id()) +
                                       " of another node key; start with that key, or with "
                                       "another data directory");
      }
      ChannelId id = c.id();
      auto entry = std::make_unique<Entry>(std::move(c));
      loaded.push_back(entry.get());
      {
        std::lock_guard lock(mutex_);
        entries_[id] = std::move(entry);
      }
      Subscribe(id);
    }
    for (Entry* entry : loaded) {
      std::lock_guard lock(entry->mutex);
      Status funding = AdvanceFunding(*entry);
      if (!funding.ok()) {
        spdlog::warn("channel {}: funding: {}", ShortId(entry->channel.id()), funding.ToString());
      }
      CatchUpWithLedger(*entry);
      // The peer may have missed the end of the last exchange.
      OfferLatest(*entry);
    }
    spdlog::debug("node {} started with {} channels", id().ToHex().substr(0, 12), loaded.size());
    return Status::Ok();
  }();
  transport_.SetReceiver([this](const wire::PeerId& from, Bytes bytes) {
    Status s = HandleMessage(from, bytes);
    if (!s.ok()) spdlog::debug("message from {} refused: {}", from.ToHex(), s.ToString());
  });
  ProcessLedgerEvents();
  return status;
}

void Node::Subscribe(const ChannelId& id) {
  uint64_t subscription = adjudicator_.Subscribe(id, [this](const settlement::Event& e) {
    std::lock_guard lock(events_mutex_);
    ledger_events_.push_back(e);
  });
  std::lock_guard lock(mutex_);
  subscriptions_.push_back(subscription);
}

Result<Node::Entry*> Node::Find(const ChannelId& id) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(id);
  if (it == entries_.end()) return Status::NotFound("unknown channel " + ToHex(id));
  return it->second.get();
}

Result<ParticipantIndex> Node::IndexOf(const channel::Params& params,
                                       const crypto::PublicKey& key) const {
  for (ParticipantIndex i = 0; i < params.participants.size(); ++i) {
    if (params.participants[i] == key) return i;
  }
  return Status::PermissionDenied("node " + key.ToHex() + " is not a participant of the channel");
}

Status Node::Commit(Entry& entry, Channel next) {
  PARLEY_RETURN_IF_ERROR(channels_store_.Put(next.record()));
  entry.channel = std::move(next);
  return Status::Ok();
}

void Node::Queue(const wire::PeerId& to, wire::Message message) {
  std::lock_guard lock(mutex_);
  outbox_.push_back({to, std::move(message)});
}

void Node::Emit(NodeEvent event) {
  std::lock_guard lock(mutex_);
  emitted_.push_back(std::move(event));
}

void Node::Flush() {
  {
    std::lock_guard lock(mutex_);
    if (flushing_) {  // the thread flushing now goes round once more for us
      flush_again_ = true;
      return;
    }
    flushing_ = true;
  }
  for (;;) {
    Outbox out;
    std::vector<NodeEvent> events;
    std::function<void(const NodeEvent&)> observer;
    {
      std::lock_guard lock(mutex_);
      out.swap(outbox_);
      events.swap(emitted_);
      observer = observer_;
      flush_again_ = false;
    }
    for (auto& [peer, message] : out) {
      Status s = transport_.Send(peer, wire::EncodeMessage(message));
      if (!s.ok()) spdlog::warn("send to {} failed: {}", peer.ToHex(), s.ToString());
    }
    if (observer) {
      for (const NodeEvent& e : events) observer(e);
    }
    std::deque<settlement::Event> ledger;
    {
      std::lock_guard lock(events_mutex_);
      ledger.swap(ledger_events_);
    }
    for (const auto& e : ledger) OnLedgerEvent(e);
    std::lock_guard lock(mutex_);
    if (ledger.empty() && !flush_again_ && outbox_.empty() && emitted_.empty()) {
      flushing_ = false;
      return;
    }
  }
}

void Node::ProcessLedgerEvents() { Flush(); }

Status Node::Transact(const std::function<Status()>& body) {
  Flush();  // act on what the ledger has reported so far
  Status status = body();
  Flush();
  return status;
}

Status Node::OnChannel(const ChannelId& id, const std::function<Status(Entry&)>& body) {
  return Transact([&]() -> Status {
    PARLEY_ASSIGN_OR_RETURN(Entry * entry, Find(id));
    std::lock_guard lock(entry->mutex);
    return body(*entry);
  });
}

void Node::ResendPending(Entry& entry) {
  const Channel& c = entry.channel;
  const channel::State* base = &c.latest().state;
  for (const channel::SignedState& proposal : c.pending()) {
    Queue(entry.Peer(), wire::UpdateProposal{c.id(), proposal.state, *proposal.sigs[c.self()],
                                             c.BaseHash(*base)});
    base = &proposal.state;
  }
}

void Node::OfferLatest(Entry& entry) {
  const Channel& c = entry.channel;
  if (c.latest().FullySigned()) {
    Queue(entry.Peer(), wire::SyncState{c.id(), c.latest()});
  } else if (c.phase() == Phase::kProposing && c.latest().sigs[c.self()]) {
    // A channel this node proposed that the peer has not signed yet: the
    // proposal may have been lost.
    Queue(entry.Peer(),
          wire::ChannelProposal{c.params(), c.latest().state, *c.latest().sigs[c.self()]});
  }
  ResendPending(entry);
  if (c.offer() && c.offer()->sigs[c.self()]) {  // this node's latest offer may have been lost
    Queue(entry.Peer(), wire::StateOffer{c.id(), c.offer()->state, *c.offer()->sigs[c.self()]});
  }
}

void Node::OnPeerConnected(const wire::PeerId& peer) {
  (void)Transact([&] {
    std::vector<Entry*> shared;
    {
      std::lock_guard lock(mutex_);
      for (auto& [id, entry] : entries_) {
        if (entry->Peer() == peer) shared.push_back(entry.get());
      }
    }
    for (Entry* entry : shared) {
      std::lock_guard lock(entry->mutex);
      OfferLatest(*entry);
    }
    return Status::Ok();
  });
}

Result<ChannelId> Node::OpenChannel(const OpenRequest& request) {
  ChannelId id{};
  Status status = Transact([&]() -> Status {
    PARLEY_ASSIGN_OR_RETURN(const channel::App* app, apps_.Find(request.app));
    channel::Params params{.participants = {key_.public_key(), request.peer},
                           .nonce = crypto::RandomHash32(),
                           .challenge_duration = request.challenge_duration,
                           .app = request.app,
                           .backend = std::string(scheme_.name())};
    channel::State initial{
        .channel_id = scheme_.ComputeChannelId(params),
        .allocation = {{{.asset = request.asset,
                         .balances = {request.my_deposit, request.peer_deposit}}}},
        .app_data = request.initial_app_data};
    PARLEY_ASSIGN_OR_RETURN(Channel c, Channel::Propose(params, initial, 0, key_, scheme_, *app));
    id = c.id();
    auto entry = std::make_unique<Entry>(c);
    PARLEY_RETURN_IF_ERROR(Commit(*entry, c));
    {
      std::lock_guard lock(mutex_);
      entries_[id] = std::move(entry);
    }
    Subscribe(id);
    Queue(request.peer, wire::ChannelProposal{params, initial, *c.latest().sigs[0]});
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return id;
}

Status Node::Update(const ChannelId& id, Bytes action) {
  return OnChannel(id, [&](Entry& entry) -> Status {
    if (entry.channel.phase() != Phase::kOpen) {
      return Status::FailedPrecondition("channel " + ShortId(id) + " is " +
                                        channel::PhaseName(entry.channel.phase()) +
                                        "; updates need an open channel");
    }
    if (entry.close_requested || entry.closing_in_flight) {
      return Status::FailedPrecondition("channel " + ShortId(id) + " is closing");
    }
    if (entry.queued.size() >= options_.max_queued_actions) {
      return Status::FailedPrecondition("channel " + ShortId(id) + " already has " +
                                        std::to_string(entry.queued.size()) +
                                        " actions waiting; retry when they are done");
    }
    entry.queued.push_back(std::move(action));
    entry.yielding = false;  // a crossing lost earlier waits no longer than the next call
    return ProposeQueued(entry);
  });
}

Status Node::ProposeQueued(Entry& entry) {
  size_t window =
      std::clamp<size_t>(options_.max_updates_in_flight, 1, channel::kMaxPendingProposals);
  Status first_failure;
  while (entry.channel.pending().size() < window && !entry.closing_in_flight && !entry.yielding &&
         entry.channel.phase() == Phase::kOpen &&
         (!entry.queued.empty() || entry.close_requested)) {
    size_t in_flight = entry.channel.pending().size();
    Status s = ProposeNext(entry);
    if (first_failure.ok()) first_failure = s;
    if (entry.channel.pending().size() == in_flight) break;  // nothing went out
  }
  return first_failure;
}

Status Node::ProposeNext(Entry& entry) {
  Channel& c = entry.channel;
  PARLEY_ASSIGN_OR_RETURN(const channel::App* app, apps_.Find(c.params().app));

  const channel::State& base = c.ProposalBase();
  Hash32 base_hash = c.BaseHash(base);
  channel::State next = base;
  std::vector<Bytes> applied;
  Status first_failure;
  while (!entry.queued.empty() && applied.size() < kMaxBatch) {
    Bytes action = std::move(entry.queued.front());
    entry.queued.pop_front();
    auto after = app->ApplyAction(c.params(), next, c.self(), action);
    if (!after.ok()) {
      Emit({NodeEvent::Kind::kUpdateFailed, c.id(), 0, after.status().message()});
      if (first_failure.ok()) first_failure = after.status();
      continue;
    }
    next = std::move(after).value();
    applied.push_back(std::move(action));
  }
  bool closing = entry.close_requested && entry.queued.empty();
  if (applied.empty() && !closing) return first_failure;
  next.version = c.NextVersion();
  next.is_final = next.is_final || closing;

  Channel after = c;
  auto proposal = after.ProposeUpdate(next, key_, channel::kMaxPendingProposals);
  Status proposed = proposal.ok() ? Commit(entry, std::move(after))  // durable before it is sent
                                  : proposal.status();
  if (!proposed.ok()) {  // the actions are dropped, and a close is no longer under way
    entry.close_requested = false;
    Emit({NodeEvent::Kind::kUpdateFailed, c.id(), next.version,
          std::to_string(applied.size()) + " action(s) dropped: " + proposed.message()});
    return proposed;
  }
  entry.in_flight.push_back(std::move(applied));
  entry.closing_in_flight = closing;
  entry.close_requested = false;
  Queue(entry.Peer(), wire::UpdateProposal{c.id(), next, *proposal->sigs[c.self()], base_hash});
  return first_failure;
}

Status Node::Offer(const ChannelId& id, Bytes action) {
  return OnChannel(id, [&](Entry& entry) -> Status {
    const Channel& c = entry.channel;
    if (c.phase() != Phase::kOpen) {
      return Status::FailedPrecondition("channel " + ShortId(id) + " is " +
                                        channel::PhaseName(c.phase()) +
                                        "; offers need an open channel");
    }
    PARLEY_ASSIGN_OR_RETURN(const channel::App* app, apps_.Find(c.params().app));
    const channel::State& from = c.offer() ? c.offer()->state : c.latest().state;
    PARLEY_ASSIGN_OR_RETURN(channel::State next,
                            app->ApplyAction(c.params(), from, c.self(), action));
    next.version = c.NextVersion();
    Channel after = c;
    PARLEY_ASSIGN_OR_RETURN(channel::SignedState offer, after.MakeOffer(next, key_));
    PARLEY_RETURN_IF_ERROR(Commit(entry, std::move(after)));  // durable before it is sent
    Queue(entry.Peer(), wire::StateOffer{id, offer.state, *offer.sigs[entry.channel.self()]});
    return Status::Ok();
  });
}

Status Node::AcceptOffer(const ChannelId& id) {
  return OnChannel(id, [&](Entry& entry) -> Status {
    Channel next = entry.channel;
    PARLEY_RETURN_IF_ERROR(next.AcceptOffer(key_).status());
    PARLEY_RETURN_IF_ERROR(Commit(entry, std::move(next)));
    const Channel& c = entry.channel;
    Queue(entry.Peer(), wire::SyncState{id, c.latest()});
    Emit({NodeEvent::Kind::kUpdated, id, c.latest().state.version, "accepted the peer's offer"});
    return Status::Ok();
  });
}

Status Node::Close(const ChannelId& id) {
  return OnChannel(id, [&](Entry& entry) -> Status {
    if (entry.channel.phase() != Phase::kOpen) {
      return Status::FailedPrecondition("only an open channel can be closed cooperatively; " +
                                        ShortId(id) + " is " +
                                        channel::PhaseName(entry.channel.phase()));
    }
    entry.close_requested = true;
    entry.yielding = false;
    return ProposeQueued(entry);
  });
}

Status Node::HandleMessage(const wire::PeerId& from, ByteView bytes) {
  return Transact([&]() -> Status {
    PARLEY_ASSIGN_OR_RETURN(wire::Message message, wire::DecodeMessage(bytes));
    if (const auto* proposal = std::get_if<wire::ChannelProposal>(&message)) {
      return OnChannelProposal(from, *proposal);
    }
    auto entry = Find(wire::ChannelOf(message));
    if (!entry.ok()) {
      if (const auto* update = std::get_if<wire::UpdateProposal>(&message)) {
        Queue(from, wire::UpdateReject{update->channel, update->state.version,
                                       entry.status().code(), Reason(entry.status())});
      }
      return entry.status();
    }
    Entry& e = **entry;
    std::lock_guard lock(e.mutex);
    return std::visit(
        [&](const auto& m) -> Status {
          using M = std::decay_t<decltype(m)>;
          if constexpr (std::is_same_v<M, wire::ChannelAccept>) return OnChannelAccept(e, from, m);
          if constexpr (std::is_same_v<M, wire::ChannelReject>) return OnChannelReject(e, from, m);
          if constexpr (std::is_same_v<M, wire::UpdateProposal>)
            return OnUpdateProposal(e, from, m);
          if constexpr (std::is_same_v<M, wire::UpdateAccept>) return OnUpdateAccept(e, from, m);
          if constexpr (std::is_same_v<M, wire::UpdateReject>) return OnUpdateReject(e, from, m);
          if constexpr (std::is_same_v<M, wire::SyncState>) return OnSyncState(e, from, m);
          if constexpr (std::is_same_v<M, wire::StateOffer>) return OnStateOffer(e, from, m);
          return Status::Internal("unreachable");  // ChannelProposal is handled above
        },
        message);
  });
}

Status Node::OnChannelProposal(const wire::PeerId& from, const wire::ChannelProposal& m) {
  Status status = [&]() -> Status {
    PARLEY_ASSIGN_OR_RETURN(ParticipantIndex self, IndexOf(m.params, key_.public_key()));
    PARLEY_ASSIGN_OR_RETURN(ParticipantIndex proposer, IndexOf(m.params, from));
    if (auto known = Find(m.initial.channel_id); known.ok()) {
      std::lock_guard lock((*known)->mutex);
      return OnKnownChannelProposal(**known, from, m);
    }
    PARLEY_ASSIGN_OR_RETURN(const channel::App* app, apps_.Find(m.params.app));
    PARLEY_ASSIGN_OR_RETURN(Channel c, Channel::FromProposal(m.params, m.initial, proposer, m.sig,
                                                             self, scheme_, *app));
    ChannelId id = c.id();
    auto created = std::make_unique<Entry>(c);
    Entry& entry = *created;
    std::lock_guard entry_lock(entry.mutex);  // nobody can wait on it yet
    channel::Signature sig;
    {
      std::lock_guard lock(mutex_);  // one channel created at a time, so the caps hold
      if (entries_.contains(id))
        return Status::AlreadyExists("channel " + ShortId(id) + " is already known");
      PARLEY_RETURN_IF_ERROR(CheckProposalPolicy(from, m, self));
      PARLEY_ASSIGN_OR_RETURN(sig, c.SignInitial(key_));
      PARLEY_RETURN_IF_ERROR(Commit(entry, std::move(c)));  // durable before the signature leaves
      entries_[id] = std::move(created);
    }
    Subscribe(id);
    Queue(from, wire::ChannelAccept{id, std::move(sig)});
    Emit({NodeEvent::Kind::kChannelProposed, id, 0, ""});
    Status funding = AdvanceFunding(entry);  // accepted: a failed deposit is this node's problem
    if (!funding.ok()) {
      Emit({NodeEvent::Kind::kUpdateFailed, id, 0, "deposit failed: " + funding.message()});
    }
    return Status::Ok();
  }();
  if (!status.ok()) Queue(from, wire::ChannelReject{m.initial.channel_id, Reason(status)});
  return status;
}

Status Node::OnKnownChannelProposal(Entry& entry, const wire::PeerId& from,
                                    const wire::ChannelProposal& m) {
  // The same proposal again (this node's accept was lost): the same
  // signature again. Anything else under that id is refused.
  const Channel& existing = entry.channel;
  const auto& own = existing.latest().sigs[existing.self()];
  if (existing.params() == m.params && existing.latest().state == m.initial && own) {
    Queue(from, wire::ChannelAccept{existing.id(), *own});
    return Status::Ok();
  }
  return Status::AlreadyExists("channel " + ShortId(existing.id()) + " is already known");
}

Status Node::CheckProposalPolicy(const wire::PeerId& from, const wire::ChannelProposal& m,
                                 ParticipantIndex self) const {
  uint64_t challenge = m.params.challenge_duration;
  if (challenge < options_.min_challenge_duration || challenge > options_.max_challenge_duration) {
    return Status::FailedPrecondition("this node accepts challenge durations of " +
                                      std::to_string(options_.min_challenge_duration) + " to " +
                                      std::to_string(options_.max_challenge_duration) +
                                      " ticks, not " + std::to_string(challenge));
  }
  for (const auto& asset : m.initial.allocation.assets) {
    if (self < asset.balances.size() && asset.balances[self] > options_.max_deposit_on_proposal) {
      return Status::FailedPrecondition(
          "this node deposits at most " + channel::ToString(options_.max_deposit_on_proposal) +
          " into a channel a peer proposes, not " + channel::ToString(asset.balances[self]));
    }
  }
  size_t with_peer = 0;
  for (const auto& [id, entry] : entries_) with_peer += entry->Peer() == from;
  if (entries_.size() >= options_.max_channels) {
    return Status::FailedPrecondition("this node keeps at most " +
                                      std::to_string(options_.max_channels) + " channels");
  }
  if (with_peer >= options_.max_channels_per_peer) {
    return Status::FailedPrecondition("this node keeps at most " +
                                      std::to_string(options_.max_channels_per_peer) +
                                      " channels with one peer");
  }
  return Status::Ok();
}

Status Node::OnChannelAccept(Entry& entry, const wire::PeerId& from, const wire::ChannelAccept& m) {
  PARLEY_ASSIGN_OR_RETURN(ParticipantIndex signer, IndexOf(entry.channel.params(), from));
  Channel next = entry.channel;
  PARLEY_RETURN_IF_ERROR(next.AddInitialSignature(signer, m.sig));
  PARLEY_RETURN_IF_ERROR(Commit(entry, std::move(next)));
  return AdvanceFunding(entry);
}

Status Node::OnChannelReject(Entry& entry, const wire::PeerId& from, const wire::ChannelReject& m) {
  PARLEY_RETURN_IF_ERROR(IndexOf(entry.channel.params(), from).status());
  if (entry.channel.phase() != Phase::kProposing) {
    return Status::FailedPrecondition("channel " + ShortId(m.channel) + " is past its proposal");
  }
  Emit({NodeEvent::Kind::kUpdateFailed, m.channel, 0, "the peer refused the channel: " + m.reason});
  return Status::Ok();
}

Status Node::OnUpdateProposal(Entry& entry, const wire::PeerId& from,
                              const wire::UpdateProposal& m) {
  auto reject = [&](const Status& s) {
    Queue(from, wire::UpdateReject{m.channel, m.state.version, s.code(), Reason(s)});
    return s;
  };
  auto index = IndexOf(entry.channel.params(), from);
  if (!index.ok()) return reject(index.status());
  if (entry.channel.phase() == Phase::kFunding) {
    // The peer saw the deposits before this node did (each learns of them
    // from the ledger on its own, e.g. polling an EVM chain's logs): look at
    // the ledger now instead of refusing the update.
    Status funding = AdvanceFunding(entry);
    if (!funding.ok()) {
      spdlog::warn("channel {}: funding: {}", ShortId(m.channel), funding.ToString());
    }
  }

  Channel next = entry.channel;
  size_t pending_before = next.pending().size();
  auto sig = next.HandleProposal(m.state, m.base, *index, m.sig, key_);
  if (!(next.record() == entry.channel.record())) {
    PARLEY_RETURN_IF_ERROR(Commit(entry, std::move(next)));  // durable before the answer
  }
  if (!sig.ok()) {
    size_t lost = pending_before - entry.channel.pending().size();
    if (lost > 0) {  // lost the tie-break: retry after the peer
      entry.Requeue(lost);
      entry.yielding = true;
    }
    return reject(sig.status());
  }
  entry.yielding = false;
  Queue(from, wire::UpdateAccept{m.channel, m.state.version, *sig});
  Emit({NodeEvent::Kind::kUpdated, m.channel, m.state.version, ""});
  return ProposeQueued(entry);
}

Status Node::OnUpdateAccept(Entry& entry, const wire::PeerId& from, const wire::UpdateAccept& m) {
  PARLEY_ASSIGN_OR_RETURN(ParticipantIndex signer, IndexOf(entry.channel.params(), from));
  Channel next = entry.channel;
  PARLEY_RETURN_IF_ERROR(next.HandleAccept(m.version, signer, m.sig));
  PARLEY_RETURN_IF_ERROR(Commit(entry, std::move(next)));
  entry.Settle(1);
  Emit({NodeEvent::Kind::kUpdated, m.channel, m.version, ""});
  return ProposeQueued(entry);
}

Status Node::OnUpdateReject(Entry& entry, const wire::PeerId& from, const wire::UpdateReject& m) {
  PARLEY_RETURN_IF_ERROR(IndexOf(entry.channel.params(), from).status());
  Channel next = entry.channel;
  size_t pending_before = next.pending().size();
  PARLEY_RETURN_IF_ERROR(next.HandleReject(m.version));
  size_t dropped = pending_before - next.pending().size();
  PARLEY_RETURN_IF_ERROR(Commit(entry, std::move(next)));
  if (m.code == StatusCode::kAborted) {
    entry.Requeue(dropped);  // proposals crossed; ours go again at the next versions
  } else {
    // The refused proposal's actions fail; those built on it go again.
    entry.Requeue(dropped - 1);
    if (!entry.in_flight.empty()) entry.in_flight.pop_back();
    entry.closing_in_flight = false;
    Emit({NodeEvent::Kind::kUpdateFailed, m.channel, m.version,
          "the peer refused version " + std::to_string(m.version) + ": " + m.reason});
  }
  return ProposeQueued(entry);
}

Status Node::OnStateOffer(Entry& entry, const wire::PeerId& from, const wire::StateOffer& m) {
  PARLEY_ASSIGN_OR_RETURN(ParticipantIndex maker, IndexOf(entry.channel.params(), from));
  Channel next = entry.channel;
  PARLEY_RETURN_IF_ERROR(next.HandleOffer(m.state, maker, m.sig));
  PARLEY_RETURN_IF_ERROR(Commit(entry, std::move(next)));  // the best offer is money: keep it
  Emit({NodeEvent::Kind::kOffered, m.channel, m.state.version, ""});
  return Status::Ok();
}

Status Node::OnSyncState(Entry& entry, const wire::PeerId& from, const wire::SyncState& m) {
  PARLEY_RETURN_IF_ERROR(IndexOf(entry.channel.params(), from).status());
  Channel next = entry.channel;
  PARLEY_ASSIGN_OR_RETURN(auto outcome, next.AdoptSigned(m.state));
  switch (outcome) {
    case Channel::SyncOutcome::kKnown:
      ResendPending(entry);  // the peer may have (re)started and missed it
      return Status::Ok();
    case Channel::SyncOutcome::kConflict: {
      // Someone signed two states of one version: keep both, and say so.
      const channel::SignedState& ours = entry.channel.latest();
      PARLEY_RETURN_IF_ERROR(channels_store_.PutEvidence(ours, m.state));
      Emit({NodeEvent::Kind::kEquivocation, m.channel, ours.state.version,
            "the peer holds a different fully signed state of version " +
                std::to_string(ours.state.version) + "; both are kept as evidence"});
      return Status::Ok();
    }
    case Channel::SyncOutcome::kAdopted:
      return AdoptNewer(entry, std::move(next), "synced from the peer");
  }
  return Status::Ok();
}

Status Node::AdoptState(const ChannelId& id, const channel::SignedState& state) {
  return OnChannel(id, [&](Entry& entry) -> Status {
    Channel next = entry.channel;
    PARLEY_ASSIGN_OR_RETURN(auto outcome, next.AdoptSigned(state));
    if (outcome != Channel::SyncOutcome::kAdopted) {
      return Status::FailedPrecondition("version " + std::to_string(state.state.version) +
                                        " is not newer than the latest, version " +
                                        std::to_string(entry.channel.latest().state.version));
    }
    return AdoptNewer(entry, std::move(next), "adopted");
  });
}

Status Node::AdoptNewer(Entry& entry, Channel next, const std::string& how) {
  uint64_t adopted = next.latest().state.version;
  const auto& before = entry.channel.pending();
  size_t settled = std::count_if(before.begin(), before.end(), [&](const channel::SignedState& p) {
    return p.state.version <= adopted;
  });
  size_t moot = before.size() - settled - next.pending().size();
  PARLEY_RETURN_IF_ERROR(Commit(entry, std::move(next)));
  const Channel& c = entry.channel;
  entry.Requeue(moot);    // built on a state the adopted one replaced
  entry.Settle(settled);  // their actions are in a state both have signed
  Emit({NodeEvent::Kind::kUpdated, c.id(), c.latest().state.version, how});
  ResendPending(entry);                 // if one is still above the adopted state
  if (c.phase() == Phase::kDisputed) {  // refute with it while we can
    Status refuted = adjudicator_.Register(c.params(), c.latest());
    if (!refuted.ok()) {
      spdlog::warn("channel {}: registering the adopted state: {}", ShortId(c.id()),
                   refuted.ToString());
    }
  }
  PARLEY_RETURN_IF_ERROR(AdvanceFunding(entry));  // an initial state completed by sync
  return ProposeQueued(entry);
}

ChannelInfo Node::Info(const Entry& entry) const {
  const Channel& c = entry.channel;
  return ChannelInfo{.id = c.id(),
                     .params = c.params(),
                     .self = c.self(),
                     .phase = c.phase(),
                     .latest = c.latest().state,
                     .update_in_flight = !c.pending().empty(),
                     .queued_actions = entry.queued.size(),
                     .offer = c.offer() ? std::optional(c.offer()->state) : std::nullopt,
                     .offer_from_peer = c.offer() && !c.offer()->sigs[c.self()]};
}

Result<ChannelInfo> Node::GetChannel(const ChannelId& id) const {
  PARLEY_ASSIGN_OR_RETURN(Entry * entry, Find(id));
  std::lock_guard lock(entry->mutex);
  return Info(*entry);
}

Result<channel::SignedState> Node::LatestSignedState(const ChannelId& id) const {
  PARLEY_ASSIGN_OR_RETURN(Entry * entry, Find(id));
  std::lock_guard lock(entry->mutex);
  return entry->channel.latest();
}

std::vector<ChannelInfo> Node::ListChannels() const {
  std::vector<Entry*> entries;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, entry] : entries_) entries.push_back(entry.get());
  }
  std::vector<ChannelInfo> out;
  for (Entry* entry : entries) {
    std::lock_guard lock(entry->mutex);
    out.push_back(Info(*entry));
  }
  return out;
}

}  // namespace parley::client
