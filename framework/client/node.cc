#include "parley/client/node.h"

#include <spdlog/spdlog.h>

#include "node_entry.h"
#include "parley/crypto/random.h"
#include "parley/util/codec.h"

namespace parley::client {

using channel::Channel;
using channel::ChannelId;
using channel::ParticipantIndex;
using channel::Phase;

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
           std::vector<SettlementBackend> backends, const channel::AppRegistry& apps,
           NodeOptions options)
    : key_(std::move(key)),
      channels_store_(store),
      transport_(transport),
      backends_(std::move(backends)),
      apps_(apps),
      options_(std::move(options)) {}

Node::Node(crypto::PrivateKey key, store::Store& store, wire::Transport& transport,
           settlement::Funder& funder, settlement::Adjudicator& adjudicator,
           const channel::SignatureScheme& scheme, const channel::AppRegistry& apps,
           NodeOptions options)
    : Node(std::move(key), store, transport, {{funder, adjudicator, scheme}}, apps,
           std::move(options)) {}

Node::~Node() {
  transport_.SetBatchReceiver(nullptr);
  std::lock_guard lock(mutex_);
  for (auto [adjudicator, s] : subscriptions_) adjudicator->Unsubscribe(s);
}

namespace {

// "'sim', 'statechain'": the names of `backends`, for messages.
std::string NamesOf(const std::vector<SettlementBackend>& backends) {
  std::string names;
  for (const SettlementBackend& backend : backends) {
    names += (names.empty() ? "'" : ", '") + std::string(backend.name()) + "'";
  }
  return names;
}

}  // namespace

Result<const SettlementBackend*> Node::FindBackend(std::string_view name) const {
  if (backends_.empty()) return Status::FailedPrecondition("the node has no settlement backend");
  if (name.empty()) return &backends_.front();
  for (const SettlementBackend& backend : backends_) {
    if (backend.name() == name) return &backend;
  }
  return Status::NotFound("this node does not settle on backend '" + std::string(name) +
                          "'; it has " + NamesOf(backends_));
}

void Node::SetObserver(std::function<void(const NodeEvent&)> observer) {
  std::lock_guard lock(mutex_);
  observer_ = std::move(observer);
}

Status Node::Start() {
  Status status = [&]() -> Status {
    if (backends_.empty()) {
      return Status::InvalidArgument("a node needs at least one settlement backend");
    }
    for (size_t i = 0; i < backends_.size(); ++i) {
      for (size_t j = 0; j < i; ++j) {
        if (backends_[i].name() == backends_[j].name()) {
          return Status::InvalidArgument("two settlement backends are named '" +
                                         std::string(backends_[i].name()) +
                                         "'; give each a name of its own");
        }
      }
    }
    PARLEY_ASSIGN_OR_RETURN(auto records, channels_store_.LoadAll());
    std::vector<Entry*> loaded;
    for (auto& record : records) {
      PARLEY_ASSIGN_OR_RETURN(const channel::App* app, apps_.Find(record.params.app));
      auto backend = FindBackend(record.params.backend);
      if (!backend.ok()) {
        return Status::InvalidArgument(
            "the store holds channel " + ShortId(record.latest.state.channel_id) + " on backend '" +
            record.params.backend + "', which this node was not given (it has " +
            NamesOf(backends_) + "); start it with that backend too");
      }
      PARLEY_ASSIGN_OR_RETURN(Channel c,
                              Channel::Restore(std::move(record), (*backend)->scheme, *app));
      if (c.params().participants[c.self()] != key_.public_key()) {
        return Status::InvalidArgument("the store holds channel " + ShortId(c.id()) +
                                       " of another node key; start with that key, or with "
                                       "another data directory");
      }
      ChannelId id = c.id();
      auto entry = std::make_unique<Entry>(std::move(c), **backend);
      Entry* loaded_entry = entry.get();
      loaded.push_back(loaded_entry);
      {
        std::lock_guard lock(mutex_);
        entries_[id] = std::move(entry);
      }
      Subscribe(*loaded_entry);
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
  transport_.SetBatchReceiver([this](std::vector<wire::Transport::Incoming> burst) {
    std::vector<wire::PeerId> senders;
    for (const auto& in : burst) senders.push_back(in.from);
    std::vector<Status> outcomes = HandleMessages(std::move(burst));
    for (size_t i = 0; i < outcomes.size(); ++i) {
      if (!outcomes[i].ok()) {
        spdlog::debug("message from {} refused: {}", senders[i].ToHex(), outcomes[i].ToString());
      }
    }
  });
  ProcessLedgerEvents();
  return status;
}

void Node::Subscribe(const Entry& entry) {
  settlement::Adjudicator& adjudicator = entry.backend.adjudicator;
  uint64_t subscription =
      adjudicator.Subscribe(entry.channel.id(), [this](const settlement::Event& e) {
        std::lock_guard lock(events_mutex_);
        ledger_events_.push_back(e);
      });
  std::lock_guard lock(mutex_);
  subscriptions_.push_back({&adjudicator, subscription});
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
  if (entry.group_log != nullptr) {
    entry.group_log->changed = true;  // written when the group closes
  } else {
    PARLEY_RETURN_IF_ERROR(channels_store_.Put(next.record()));
    entry.resynced_after_failure = false;
  }
  entry.channel = std::move(next);
  return Status::Ok();
}

void Node::Queue(const wire::PeerId& to, wire::Message message) {
  if (WriteGroup* group = ActiveGroup()) {
    group->current->messages.push_back({to, std::move(message)});
    return;
  }
  std::lock_guard lock(mutex_);
  outbox_.push_back({to, std::move(message)});
}

void Node::Emit(NodeEvent event) {
  if (WriteGroup* group = ActiveGroup()) {
    group->current->events.push_back(std::move(event));
    return;
  }
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
    PARLEY_ASSIGN_OR_RETURN(const SettlementBackend* backend, FindBackend(request.backend));
    const channel::SignatureScheme& scheme = backend->scheme;
    if (backend->hook == nullptr && !request.backend_args.empty()) {
      return Status::InvalidArgument("backend '" + std::string(backend->name()) +
                                     "' takes no backend arguments for an opening, got " +
                                     std::to_string(request.backend_args.size()) + " bytes");
    }
    PARLEY_ASSIGN_OR_RETURN(const channel::App* app, apps_.Find(request.app));
    channel::Params params{.participants = {key_.public_key(), request.peer},
                           .nonce = crypto::RandomHash32(),
                           .challenge_duration = request.challenge_duration,
                           .app = request.app,
                           .backend = std::string(scheme.name())};
    channel::State initial{
        .channel_id = scheme.ComputeChannelId(params),
        .allocation = {{{.asset = request.asset,
                         .balances = {request.my_deposit, request.peer_deposit}}}},
        .app_data = request.initial_app_data};
    PARLEY_ASSIGN_OR_RETURN(Channel c, Channel::Propose(params, initial, 0, key_, scheme, *app));
    Bytes extra;
    if (backend->hook != nullptr) {  // its data is in the record before the proposal leaves
      PARLEY_ASSIGN_OR_RETURN(
          settlement::HookStep step,
          Sendable(backend->hook->ProposeChannel(params, initial, request.backend_args)));
      c.SetBackendData(std::move(step.data));
      extra = std::move(step.extra);
    }
    id = c.id();
    auto created = std::make_unique<Entry>(c, *backend);
    Entry& entry = *created;
    PARLEY_RETURN_IF_ERROR(Commit(entry, c));
    {
      std::lock_guard lock(mutex_);
      entries_[id] = std::move(created);
    }
    Subscribe(entry);
    Queue(request.peer,
          wire::ChannelProposal{params, initial, *c.latest().sigs[0], std::move(extra)});
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return id;
}

Status Node::Dispatch(const wire::PeerId& from, const wire::Message& message) {
  if (const auto* proposal = std::get_if<wire::ChannelProposal>(&message)) {
    return OnChannelProposal(from, *proposal);
  }
  auto entry = Find(wire::ChannelOf(message));
  if (!entry.ok()) {
    if (const auto* update = std::get_if<wire::UpdateProposal>(&message)) {
      Queue(from, wire::UpdateReject{update->channel, update->state.version, entry.status().code(),
                                     Reason(entry.status())});
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
        if constexpr (std::is_same_v<M, wire::UpdateProposal>) return OnUpdateProposal(e, from, m);
        if constexpr (std::is_same_v<M, wire::UpdateAccept>) return OnUpdateAccept(e, from, m);
        if constexpr (std::is_same_v<M, wire::UpdateReject>) return OnUpdateReject(e, from, m);
        if constexpr (std::is_same_v<M, wire::SyncState>) return OnSyncState(e, from, m);
        if constexpr (std::is_same_v<M, wire::StateOffer>) return OnStateOffer(e, from, m);
        return Status::Internal("unreachable");  // ChannelProposal is handled above
      },
      message);
}

Status Node::OnChannelProposal(const wire::PeerId& from, const wire::ChannelProposal& m) {
  Status status = [&]() -> Status {
    PARLEY_ASSIGN_OR_RETURN(ParticipantIndex self, IndexOf(m.params, key_.public_key()));
    PARLEY_ASSIGN_OR_RETURN(ParticipantIndex proposer, IndexOf(m.params, from));
    if (auto known = Find(m.initial.channel_id); known.ok()) {
      std::lock_guard lock((*known)->mutex);
      return OnKnownChannelProposal(**known, from, m);
    }
    PARLEY_ASSIGN_OR_RETURN(const SettlementBackend* backend, FindBackend(m.params.backend));
    PARLEY_ASSIGN_OR_RETURN(const channel::App* app, apps_.Find(m.params.app));
    PARLEY_ASSIGN_OR_RETURN(Channel c, Channel::FromProposal(m.params, m.initial, proposer, m.sig,
                                                             self, backend->scheme, *app));
    Bytes extra;
    if (backend->hook != nullptr) {  // the backend's checks of the opening, before signing
      PARLEY_ASSIGN_OR_RETURN(settlement::HookStep step, Sendable(backend->hook->AcceptChannel(
                                                             m.params, self, m.initial, m.extra)));
      c.SetBackendData(std::move(step.data));
      extra = std::move(step.extra);
    }
    ChannelId id = c.id();
    auto created = std::make_unique<Entry>(c, *backend);
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
    Subscribe(entry);
    Queue(from, wire::ChannelAccept{id, std::move(sig), std::move(extra)});
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
    auto extra = OpeningExtraAgain(entry);
    if (extra.ok()) Queue(from, wire::ChannelAccept{existing.id(), *own, std::move(*extra)});
    return Status::Ok();  // past the opening, the proposer has had the accept
  }
  return Status::AlreadyExists("channel " + ShortId(existing.id()) + " is already known");
}

Result<Bytes> Node::OpeningExtraAgain(const Entry& entry) const {
  settlement::StateHook* hook = entry.Hook();
  if (hook == nullptr) return Bytes{};
  const Channel& c = entry.channel;
  auto extra = hook->OpeningExtraAgain(c.params(), c.backend_data());
  if (!extra.ok()) {
    spdlog::warn("channel {}: its opening is not sent again: {}", ShortId(c.id()),
                 extra.status().ToString());
  }
  return extra;
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
  if (settlement::StateHook* hook = entry.Hook()) {  // before the state counts as fully signed
    PARLEY_ASSIGN_OR_RETURN(Bytes data, hook->CheckExtra(next.params(), next.backend_data(),
                                                         next.latest().state, m.extra));
    next.SetBackendData(std::move(data));
  }
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

Result<settlement::HookBackup> Node::LatestBackup(const ChannelId& id) const {
  PARLEY_ASSIGN_OR_RETURN(Entry * entry, Find(id));
  std::lock_guard lock(entry->mutex);
  const settlement::StateHook* hook = entry->Hook();
  if (hook == nullptr) {
    return Status::FailedPrecondition("channel " + ToHex(id) + " settles on backend '" +
                                      entry->channel.params().backend + "', which has no backups");
  }
  PARLEY_ASSIGN_OR_RETURN(std::optional<settlement::HookBackup> backup,
                          hook->LatestBackupTx(entry->channel.backend_data()));
  if (!backup) {
    return Status::FailedPrecondition(
        "channel " + ToHex(id) +
        " has no backup yet: the first is signed with the channel's first payment after it is "
        "funded");
  }
  return *backup;
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
