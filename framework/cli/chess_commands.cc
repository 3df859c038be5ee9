#include "chess_commands.h"

#include <grpcpp/grpcpp.h>

#include <cstdio>

#include "chess/chess_app.h"
#include "chess_client.h"

namespace parley::cli {
namespace {

using apps::ChessApp;

// Sends the action, dies with the node's reason if refused, and shows the
// board (or says the move went to the ledger).
void Act(const Options& o, const std::string& id, const Bytes& action, const char* what) {
  bool on_ledger = GetChannel(o, id).phase() == "disputed";
  Status s = SendChessAction(o, id, action);
  if (!s.ok()) Die(std::string("chess ") + what + ": " + s.ToString());
  if (on_ledger) {
    if (!o.json) std::printf("played on the ledger; the opponent must answer there\n");
    return;
  }
  PrintGame(o, GetChannel(o, id));
}

}  // namespace

ChessCommands::ChessCommands(CLI::App& cli, const Options& o) : o_(o) {
  auto* chess = cli.add_subcommand("chess", "play chess for a stake with a connected peer");
  chess->require_subcommand(1);

  auto* start = chess->add_subcommand("new", "propose a game (you play white)");
  start->add_option("--peer", peer_, "the opponent's node id")->required();
  start->add_option("--stake", stake_, "each player's stake, in base units")->required();
  start->add_option("--challenge", challenge_, "ticks to answer a stalled game on the ledger")
      ->capture_default_str();
  start->add_option("--fen", fen_, "start from this position instead of the standard one");
  start->callback([this] { PrintGame(o_, OpenGame(o_, peer_, stake_, challenge_, fen_)); });

  auto* show = chess->add_subcommand("show", "draw the board");
  show->add_option("channel_id", channel_id_, "the game's channel")->required();
  show->callback([this] { PrintGame(o_, GetChannel(o_, channel_id_)); });

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
