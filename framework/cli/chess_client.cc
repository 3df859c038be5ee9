#include "chess_client.h"

#include <grpcpp/grpcpp.h>

#include <cstdio>

#include "chess/board_text.h"
#include "chess/chess_app.h"
#include "parley/wire/grpc_common.h"

namespace parley::cli {

using apps::ChessApp;

Result<apps::chess::Game> GameOf(const v1::ChannelInfo& info) {
  if (info.app() != ChessApp::kId) {
    return Status::InvalidArgument("channel " + info.channel_id() + " runs '" + info.app() +
                                   "', not chess");
  }
  return ChessApp::Decode(AsBytes(info.app_data()));
}

apps::chess::Color ColorOf(const v1::ChannelInfo& info) {
  return info.self() == 0 ? apps::chess::Color::kWhite : apps::chess::Color::kBlack;
}

v1::ChannelInfo OpenGame(const Options& o, const std::string& opponent, const std::string& stake,
                         uint64_t challenge, const std::string& fen) {
  v1::OpenChannelRequest open;
  open.set_peer(opponent);
  open.set_app(ChessApp::kId);
  open.set_my_deposit(stake);
  open.set_peer_deposit(stake);
  open.set_challenge_duration(challenge);
  Bytes initial = ChessApp::InitialAppData();
  if (!fen.empty()) {
    auto from_fen = ChessApp::InitialAppData(fen);
    if (!from_fen.ok()) Die("--fen: " + from_fen.status().message());
    initial = std::move(from_fen).value();
  }
  open.set_initial_app_data(std::string(initial.begin(), initial.end()));
  return OpenAndWait(o, open);
}

Status SendChessAction(const Options& o, const std::string& id, const Bytes& action) {
  v1::UpdateRequest request;
  request.set_channel_id(id);
  request.set_action(std::string(action.begin(), action.end()));
  v1::ChannelInfo info;
  auto context = Context();
  bool on_ledger = GetChannel(o, id).phase() == "disputed";
  grpc::Status s = on_ledger ? Api(o)->ForceMove(context.get(), request, &info)
                             : Api(o)->Update(context.get(), request, &info);
  if (!s.ok()) return wire::FromGrpc(s, "cannot reach parleyd");
  if (!on_ledger) WaitIdle(o, id);
  return Status::Ok();
}

void PrintGame(const Options& o, const v1::ChannelInfo& info) {
  if (o.json) return Print(o, info);
  auto game = GameOf(info);
  if (!game.ok()) Die(game.status().message());
  std::printf("%s", apps::chess::GameText(*game, ColorOf(info)).c_str());
  std::string pot;
  for (int i = 0; !info.balances().empty() && i < info.balances(0).amounts_size(); ++i) {
    pot += (i ? " / " : "") + info.balances(0).amounts(i);
  }
  std::printf("channel %s, %s, version %llu, white / black hold: %s\n", info.channel_id().c_str(),
              info.phase().c_str(), static_cast<unsigned long long>(info.version()), pot.c_str());
}

}  // namespace parley::cli
