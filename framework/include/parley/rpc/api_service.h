// ApiService: the client API of parleyd (service parley.v1.Api). It only
// translates between protobuf and the node: every decision is the Node's.
// Failures become gRPC statuses of the same kind with the node's message.
#pragma once

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <string>

#include "parley/client/node.h"
#include "parley/settlement/adjudicator.h"
#include "parley/v1/api.grpc.pb.h"
#include "parley/wire/grpc_transport.h"

namespace parley::rpc {

// Hands every node event to each open SubscribeEvents stream. Install
// Publish as the node's observer.
class EventHub {
 public:
  void Publish(const client::NodeEvent& event);
  uint64_t Open();
  // Waits up to `timeout` for the next event of subscriber `id`.
  std::optional<client::NodeEvent> Next(uint64_t id, std::chrono::milliseconds timeout);
  void Close(uint64_t id);

 private:
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::map<uint64_t, std::deque<client::NodeEvent>> queues_;
  uint64_t next_id_ = 1;
};

// What the API reaches: all owned by the daemon, outliving the service.
struct ApiContext {
  client::Node& node;
  wire::GrpcTransport& transport;
  settlement::Adjudicator& chain;
  EventHub& events;
  std::string peer_address;  // where peers reach this node
  std::string backend;       // e.g. "sim"
  // The asset of a channel whose OpenChannel request names none: "native" on
  // the sim, "eth" on an EVM chain.
  std::string default_asset = "native";
  // If set, OpenChannel refuses an asset for which it returns an error (an
  // asset the backend has no name for), with that error.
  std::function<Status(const std::string&)> check_asset;
  // Called with NODE_ID@HOST:PORT of every peer a client connects to, so the
  // daemon can dial it again after a restart. May be empty.
  std::function<void(const std::string&)> remember_peer;
};

class ApiService final : public v1::Api::Service {
 public:
  explicit ApiService(ApiContext context) : c_(context) {}

  grpc::Status GetInfo(grpc::ServerContext*, const v1::GetInfoRequest*, v1::NodeInfo*) override;
  grpc::Status ConnectPeer(grpc::ServerContext*, const v1::ConnectPeerRequest*,
                           v1::PeerInfo*) override;
  grpc::Status ListPeers(grpc::ServerContext*, const v1::ListPeersRequest*,
                         v1::ListPeersResponse*) override;
  grpc::Status OpenChannel(grpc::ServerContext*, const v1::OpenChannelRequest*,
                           v1::ChannelInfo*) override;
  grpc::Status ListChannels(grpc::ServerContext*, const v1::ListChannelsRequest*,
                            v1::ListChannelsResponse*) override;
  grpc::Status GetChannel(grpc::ServerContext*, const v1::GetChannelRequest*,
                          v1::ChannelInfo*) override;
  grpc::Status Update(grpc::ServerContext*, const v1::UpdateRequest*, v1::ChannelInfo*) override;
  grpc::Status Pay(grpc::ServerContext*, const v1::PayRequest*, v1::ChannelInfo*) override;
  grpc::Status CloseChannel(grpc::ServerContext*, const v1::ChannelRequest*,
                            v1::ChannelInfo*) override;
  grpc::Status ForceClose(grpc::ServerContext*, const v1::ChannelRequest*,
                          v1::ChannelInfo*) override;
  grpc::Status ForceMove(grpc::ServerContext*, const v1::UpdateRequest*, v1::ChannelInfo*) override;
  grpc::Status Offer(grpc::ServerContext*, const v1::UpdateRequest*, v1::ChannelInfo*) override;
  grpc::Status AcceptOffer(grpc::ServerContext*, const v1::ChannelRequest*,
                           v1::ChannelInfo*) override;
  grpc::Status Withdraw(grpc::ServerContext*, const v1::ChannelRequest*, v1::ChannelInfo*) override;
  grpc::Status GetChannelBackup(grpc::ServerContext*, const v1::GetChannelRequest*,
                                v1::ChannelBackup*) override;
  grpc::Status SubscribeEvents(grpc::ServerContext*, const v1::SubscribeEventsRequest*,
                               grpc::ServerWriter<v1::Event>*) override;

 private:
  ApiContext c_;
};

}  // namespace parley::rpc
