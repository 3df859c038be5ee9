#include "chess_commands.h"

#include <grpcpp/grpcpp.h>

#include <cstdio>

#include "chess/board_text.h"
#include "chess/chess_app.h"

namespace parley::cli {
namespace {

using apps::ChessApp;

// The board from this node's side (participant 0 plays white), or the
// channel as JSON with --json.
void PrintGame(const Options& o, const v1::ChannelInfo& info) {
  if (o.json) return Print(o, info);
  if (info.app() != ChessApp::kId) Die("channel " + info.channel_id() + " is not a chess game");
  auto game = ChessApp::Decode(AsBytes(info.app_data()));
  if (!game.ok()) Die("the game does not decode: " + game.status().message());
  auto view = info.self() == 0 ? apps::chess::Color::kWhite : apps::chess::Color::kBlack;
  std::printf("%s", apps::chess::GameText(*game, view).c_str());
  std::string balances;
  for (int i = 0; !info.balances().empty() && i < info.balances(0).amounts_size(); ++i) {
    balances += (i ? " / " : "") + info.balances(0).amounts(i);
  }
  std::printf("channel %s, %s, version %llu, pot white / black: %s\n", info.channel_id().c_str(),
              info.phase().c_str(), static_cast<unsigned long long>(info.version()),
              balances.c_str());
}

v1::ChannelInfo Get(const Options& o, const std::string& id) {
  return WaitFor(
      o, id, [](const auto&) { return true; }, 0);
}

// Sends a chess action: an off-chain update while the channel is open, a
// move on the ledger while it is disputed.
void Act(const Options& o, const std::string& id, const Bytes& action, const char* what) {
  v1::UpdateRequest request;
  request.set_channel_id(id);
  request.set_action(std::string(action.begin(), action.end()));
  v1::ChannelInfo info;
  auto context = Context();
  if (Get(o, id).phase() == "disputed") {
    Check(Api(o)->ForceMove(context.get(), request, &info), std::string("chess ") + what);
    if (!o.json) std::printf("played on the ledger; the opponent must answer there\n");
    return;
  }
  Check(Api(o)->Update(context.get(), request, &info), std::string("chess ") + what);
  info = WaitIdle(o, id);
  PrintGame(o, info);
}

}  // namespace

ChessCommands::ChessCommands(CLI::App& cli, const Options& o) : o_(o) {
  auto* chess = cli.add_subcommand("chess", "play chess for a stake with a connected peer");
  chess->require_subcommand(1);

  auto* start = chess->add_subcommand("new", "propose a game (you play white)");
  start->add_option("--peer", *open_.mutable_peer(), "the opponent's node id")->required();
  start->add_option("--stake", stake_, "each player's stake, in base units")->required();
  start->add_option("--challenge", challenge_, "ticks to answer a stalled game on the ledger")
      ->capture_default_str();
  start->add_option("--fen", fen_, "start from this position instead of the standard one");
  start->callback([this] {
    open_.set_app(ChessApp::kId);
    open_.set_my_deposit(stake_);
    open_.set_peer_deposit(stake_);
    open_.set_challenge_duration(challenge_);
    Bytes initial = ChessApp::InitialAppData();
    if (!fen_.empty()) {
      auto from_fen = ChessApp::InitialAppData(fen_);
      if (!from_fen.ok()) Die("--fen: " + from_fen.status().message());
      initial = std::move(from_fen).value();
    }
    open_.set_initial_app_data(std::string(initial.begin(), initial.end()));
    PrintGame(o_, OpenAndWait(o_, open_));
  });

  auto* show = chess->add_subcommand("show", "draw the board");
  show->add_option("channel_id", channel_id_, "the game's channel")->required();
  show->callback([this] { PrintGame(o_, Get(o_, channel_id_)); });

  auto* play = chess->add_subcommand("move", "play a move, in SAN (Nf3, O-O, e8=Q) or UCI (g1f3)");
  play->add_option("channel_id", channel_id_, "the game's channel")->required();
  play->add_option("move", move_, "the move")->required();
  play->callback([this] { Act(o_, channel_id_, ChessApp::MoveAction(move_), "move"); });

  struct Simple {
    const char* name;
    const char* help;
    Bytes (*action)();
  };
  for (const Simple& s :
       {Simple{"resign", "give up the game", &ChessApp::ResignAction},
        Simple{"offer-draw", "offer a draw", &ChessApp::OfferDrawAction},
        Simple{"accept-draw", "accept the opponent's offer", &ChessApp::AcceptDrawAction},
        Simple{"decline-draw", "decline the opponent's offer", &ChessApp::DeclineDrawAction}}) {
    auto* sub = chess->add_subcommand(s.name, s.help);
    sub->add_option("channel_id", channel_id_, "the game's channel")->required();
    sub->callback([this, s] { Act(o_, channel_id_, s.action(), s.name); });
  }
}

}  // namespace parley::cli
