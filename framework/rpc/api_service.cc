#include "parley/rpc/api_service.h"

#include "parley/wire/grpc_common.h"
#include "payment/payment_app.h"

namespace parley::rpc {

using wire::ToGrpc;

namespace {

constexpr const char* kVersion = "0.1.0";

Result<channel::ChannelId> ParseChannelId(const std::string& hex) {
  if (hex.empty()) return Status::InvalidArgument("channel_id is required (64 hex digits)");
  auto id = FixedFromHex<32>(hex);
  if (!id.ok()) return id.status().WithContext("channel_id '" + hex + "'");
  return id;
}

Result<crypto::PublicKey> ParseNodeId(const std::string& hex, const char* field) {
  if (hex.empty()) return Status::InvalidArgument(std::string(field) + " is required");
  auto key = crypto::PublicKey::FromHex(hex);
  if (!key.ok()) return key.status().WithContext(std::string(field) + " '" + hex + "'");
  return key;
}

Result<channel::Amount> ParseAmountField(const std::string& text, const char* field) {
  if (text.empty()) return channel::Amount(0);
  auto amount = channel::ParseAmount(text);
  if (!amount.ok()) return amount.status().WithContext(field);
  return amount;
}

void FillBalances(const channel::Allocation& allocation,
                  google::protobuf::RepeatedPtrField<v1::Balance>* out) {
  for (const auto& asset : allocation.assets) {
    auto* balance = out->Add();
    balance->set_asset(asset.asset);
    for (const auto& amount : asset.balances) balance->add_amounts(channel::ToString(amount));
  }
}

void Fill(const client::ChannelInfo& info, v1::ChannelInfo* out) {
  out->set_channel_id(ToHex(info.id));
  out->set_app(info.params.app);
  for (const auto& p : info.params.participants) out->add_participants(p.ToHex());
  out->set_self(info.self);
  out->set_phase(channel::PhaseName(info.phase));
  out->set_version(info.latest.version);
  FillBalances(info.latest.allocation, out->mutable_balances());
  out->set_app_data(std::string(info.latest.app_data.begin(), info.latest.app_data.end()));
  out->set_is_final(info.latest.is_final);
  out->set_update_in_flight(info.update_in_flight);
  out->set_queued_actions(static_cast<uint32_t>(info.queued_actions));
  out->set_challenge_duration(info.params.challenge_duration);
  if (info.offer) {
    auto* offer = out->mutable_offer();
    offer->set_version(info.offer->version);
    FillBalances(info.offer->allocation, offer->mutable_balances());
    offer->set_app_data(std::string(info.offer->app_data.begin(), info.offer->app_data.end()));
    offer->set_from_peer(info.offer_from_peer);
  }
}

// Does `step` to the channel named in the request, then answers with the channel.
template <typename Step>
grpc::Status OnChannel(client::Node& node, const std::string& hex, v1::ChannelInfo* out,
                       Step step) {
  auto id = ParseChannelId(hex);
  if (!id.ok()) return ToGrpc(id.status());
  Status s = step(*id);
  if (!s.ok()) return ToGrpc(s);
  auto info = node.GetChannel(*id);
  if (!info.ok()) return ToGrpc(info.status());
  Fill(*info, out);
  return grpc::Status::OK;
}

}  // namespace

void EventHub::Publish(const client::NodeEvent& event) {
  constexpr size_t kMaxBacklog = 10'000;  // a subscriber this far behind loses the oldest
  std::lock_guard lock(mutex_);
  for (auto& [id, queue] : queues_) {
    if (queue.size() >= kMaxBacklog) queue.pop_front();
    queue.push_back(event);
  }
  arrived_.notify_all();
}

uint64_t EventHub::Open() {
  std::lock_guard lock(mutex_);
  queues_[next_id_];
  return next_id_++;
}

std::optional<client::NodeEvent> EventHub::Next(uint64_t id, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  if (!arrived_.wait_for(lock, timeout, [&] { return !queues_[id].empty(); })) return std::nullopt;
  client::NodeEvent e = std::move(queues_[id].front());
  queues_[id].pop_front();
  return e;
}

void EventHub::Close(uint64_t id) {
  std::lock_guard lock(mutex_);
  queues_.erase(id);
}

grpc::Status ApiService::GetInfo(grpc::ServerContext*, const v1::GetInfoRequest*,
                                 v1::NodeInfo* out) {
  out->set_node_id(c_.node.id().ToHex());
  out->set_peer_address(c_.peer_address);
  out->set_backend(c_.backend);
  out->set_ledger_tick(c_.chain.Now());
  out->set_channel_count(static_cast<uint32_t>(c_.node.ListChannels().size()));
  out->set_version(kVersion);
  return grpc::Status::OK;
}

grpc::Status ApiService::ConnectPeer(grpc::ServerContext*, const v1::ConnectPeerRequest* r,
                                     v1::PeerInfo* out) {
  const std::string& address = r->address();
  size_t at = address.find('@');
  if (at == std::string::npos || at + 1 == address.size()) {
    return ToGrpc(Status::InvalidArgument("address '" + address + "' is not NODE_ID@HOST:PORT"));
  }
  auto peer = ParseNodeId(address.substr(0, at), "node id");
  if (!peer.ok()) return ToGrpc(peer.status());
  std::string host_port = address.substr(at + 1);
  if (*peer == c_.node.id()) {
    return ToGrpc(Status::InvalidArgument("that is this node's own id"));
  }
  if (c_.remember_peer) c_.remember_peer(peer->ToHex() + "@" + host_port);
  c_.transport.Connect(*peer, host_port);
  bool connected = c_.transport.WaitConnected(*peer, std::chrono::seconds(5));
  out->set_node_id(peer->ToHex());
  out->set_address(host_port);
  out->set_connected(connected);
  if (!connected) {
    return ToGrpc(Status::IoError("could not reach and authenticate " + peer->ToHex() + " at " +
                                  host_port + " within 5 s; it keeps being dialed"));
  }
  return grpc::Status::OK;
}

grpc::Status ApiService::ListPeers(grpc::ServerContext*, const v1::ListPeersRequest*,
                                   v1::ListPeersResponse* out) {
  for (const auto& p : c_.transport.Peers()) {
    auto* peer = out->add_peers();
    peer->set_node_id(p.id.ToHex());
    peer->set_address(p.address);
    peer->set_connected(p.connected);
  }
  return grpc::Status::OK;
}

grpc::Status ApiService::OpenChannel(grpc::ServerContext*, const v1::OpenChannelRequest* r,
                                     v1::ChannelInfo* out) {
  auto peer = ParseNodeId(r->peer(), "peer");
  if (!peer.ok()) return ToGrpc(peer.status());
  if (r->app().empty()) return ToGrpc(Status::InvalidArgument("app is required, e.g. payment"));
  auto mine = ParseAmountField(r->my_deposit(), "my_deposit");
  if (!mine.ok()) return ToGrpc(mine.status());
  auto theirs = ParseAmountField(r->peer_deposit(), "peer_deposit");
  if (!theirs.ok()) return ToGrpc(theirs.status());
  client::OpenRequest request{
      .peer = *peer,
      .app = r->app(),
      .my_deposit = *mine,
      .peer_deposit = *theirs,
      .initial_app_data = Bytes(r->initial_app_data().begin(), r->initial_app_data().end())};
  request.backend = r->backend();
  request.backend_args = Bytes(r->backend_args().begin(), r->backend_args().end());
  request.asset = r->asset().empty() ? c_.default_asset : r->asset();
  // The ledger's asset names; another backend judges its own.
  if (c_.check_asset && (request.backend.empty() || request.backend == c_.backend)) {
    Status asset_ok = c_.check_asset(request.asset);
    if (!asset_ok.ok()) return ToGrpc(asset_ok.WithContext("asset"));
  }
  if (r->challenge_duration() != 0) request.challenge_duration = r->challenge_duration();
  auto id = c_.node.OpenChannel(request);
  if (!id.ok()) return ToGrpc(id.status());
  Fill(c_.node.GetChannel(*id).value(), out);
  return grpc::Status::OK;
}

grpc::Status ApiService::ListChannels(grpc::ServerContext*, const v1::ListChannelsRequest*,
                                      v1::ListChannelsResponse* out) {
  for (const auto& info : c_.node.ListChannels()) Fill(info, out->add_channels());
  return grpc::Status::OK;
}

grpc::Status ApiService::GetChannel(grpc::ServerContext*, const v1::GetChannelRequest* r,
                                    v1::ChannelInfo* out) {
  return OnChannel(c_.node, r->channel_id(), out, [](const auto&) { return Status::Ok(); });
}

grpc::Status ApiService::Update(grpc::ServerContext*, const v1::UpdateRequest* r,
                                v1::ChannelInfo* out) {
  return OnChannel(c_.node, r->channel_id(), out, [&](const channel::ChannelId& id) {
    return c_.node.Update(id, Bytes(r->action().begin(), r->action().end()));
  });
}

grpc::Status ApiService::ForceMove(grpc::ServerContext*, const v1::UpdateRequest* r,
                                   v1::ChannelInfo* out) {
  return OnChannel(c_.node, r->channel_id(), out, [&](const channel::ChannelId& id) {
    return c_.node.ForceMove(id, Bytes(r->action().begin(), r->action().end()));
  });
}

grpc::Status ApiService::Offer(grpc::ServerContext*, const v1::UpdateRequest* r,
                               v1::ChannelInfo* out) {
  return OnChannel(c_.node, r->channel_id(), out, [&](const channel::ChannelId& id) {
    return c_.node.Offer(id, Bytes(r->action().begin(), r->action().end()));
  });
}

grpc::Status ApiService::AcceptOffer(grpc::ServerContext*, const v1::ChannelRequest* r,
                                     v1::ChannelInfo* out) {
  return OnChannel(c_.node, r->channel_id(), out,
                   [&](const channel::ChannelId& id) { return c_.node.AcceptOffer(id); });
}

grpc::Status ApiService::Pay(grpc::ServerContext*, const v1::PayRequest* r, v1::ChannelInfo* out) {
  return OnChannel(c_.node, r->channel_id(), out, [&](const channel::ChannelId& id) -> Status {
    if (r->amount().empty()) return Status::InvalidArgument("amount is required");
    PARLEY_ASSIGN_OR_RETURN(auto amount, ParseAmountField(r->amount(), "amount"));
    PARLEY_ASSIGN_OR_RETURN(auto info, c_.node.GetChannel(id));
    if (info.params.app != apps::PaymentApp::kId) {
      return Status::FailedPrecondition("channel runs app '" + info.params.app +
                                        "'; Pay is for payment channels (use Update)");
    }
    return c_.node.Update(id, apps::PaymentApp::PayAction(amount, 1 - info.self));
  });
}

grpc::Status ApiService::CloseChannel(grpc::ServerContext*, const v1::ChannelRequest* r,
                                      v1::ChannelInfo* out) {
  return OnChannel(c_.node, r->channel_id(), out,
                   [&](const channel::ChannelId& id) { return c_.node.Close(id); });
}

grpc::Status ApiService::ForceClose(grpc::ServerContext*, const v1::ChannelRequest* r,
                                    v1::ChannelInfo* out) {
  return OnChannel(c_.node, r->channel_id(), out,
                   [&](const channel::ChannelId& id) { return c_.node.ForceClose(id); });
}

grpc::Status ApiService::Withdraw(grpc::ServerContext*, const v1::ChannelRequest* r,
                                  v1::ChannelInfo* out) {
  return OnChannel(c_.node, r->channel_id(), out,
                   [&](const channel::ChannelId& id) { return c_.node.Settle(id); });
}

grpc::Status ApiService::GetChannelBackup(grpc::ServerContext*, const v1::GetChannelRequest* r,
                                          v1::ChannelBackup* out) {
  auto id = ParseChannelId(r->channel_id());
  if (!id.ok()) return ToGrpc(id.status());
  auto backup = c_.node.LatestBackup(*id);
  if (!backup.ok()) return ToGrpc(backup.status());
  out->set_channel_id(ToHex(*id));
  out->set_version(backup->version);
  out->set_lock_time(backup->lock_time);
  out->set_txid(backup->txid);
  out->set_raw_tx(std::string(backup->raw_tx.begin(), backup->raw_tx.end()));
  return grpc::Status::OK;
}

grpc::Status ApiService::SubscribeEvents(grpc::ServerContext* context,
                                         const v1::SubscribeEventsRequest* r,
                                         grpc::ServerWriter<v1::Event>* writer) {
  std::optional<channel::ChannelId> only;
  if (!r->channel_id().empty()) {
    auto id = ParseChannelId(r->channel_id());
    if (!id.ok()) return ToGrpc(id.status());
    only = *id;
  }
  uint64_t subscriber = c_.events.Open();
  writer->SendInitialMetadata();
  while (!context->IsCancelled()) {
    auto e = c_.events.Next(subscriber, std::chrono::milliseconds(200));
    if (!e || (only && e->channel != *only)) continue;
    v1::Event out;
    out.set_kind(client::NodeEventKindName(e->kind));
    out.set_channel_id(ToHex(e->channel));
    out.set_version(e->version);
    out.set_message(e->message);
    if (!writer->Write(out)) break;
  }
  c_.events.Close(subscriber);
  return grpc::Status::OK;
}

}  // namespace parley::rpc
