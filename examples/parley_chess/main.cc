// parley-chess: chess for a stake between two parleyd nodes.
//
// Play, in two terminals, each player with their own node:
//   parley-chess --node 127.0.0.1:7701 --new --peer <NODE_ID> --stake 50   (white)
//   parley-chess --node 127.0.0.1:7711 --channel <CHANNEL_ID>              (black)
// Moves are typed in SAN (Nf3, O-O, e8=Q) or UCI (g1f3); "resign", "draw"
// (offer), "accept", "decline" and "quit" also work.
//
// Replay a game through both nodes, for demos:
//   parley-chess --script GAME.pgn --white 127.0.0.1:7701 --black 127.0.0.1:7711 --stake 50
// It opens a game from white's node, plays every move through the mover's
// node, ends the game as the PGN's result says (by the rules, or by a
// resignation or an agreed draw), settles it on the ledger and prints
// "result: 1-0 checkmate" and what each player took home.
#include <grpcpp/grpcpp.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "chess/board_text.h"
#include "chess/chess_app.h"
#include "chess/pgn.h"
#include "chess_client.h"

namespace {

using namespace parley;       // NOLINT: a small program
using namespace parley::cli;  // NOLINT
using apps::ChessApp;
using apps::chess::Color;
using apps::chess::Game;

Game MustGame(const v1::ChannelInfo& info) {
  auto game = GameOf(info);
  if (!game.ok()) Die(game.status().message());
  return std::move(game).value();
}

v1::NodeInfo Info(const Options& o) {
  v1::NodeInfo info;
  auto context = Context();
  Check(Api(o)->GetInfo(context.get(), v1::GetInfoRequest(), &info), "info");
  return info;
}

// What each player took home: the final state's allocation, once withdrawn.
void SettleAndReport(const Options& white, const Options& black, const std::string& id) {
  for (const Options* o : {&white, &black}) {
    v1::ChannelRequest request;
    request.set_channel_id(id);
    v1::ChannelInfo info;
    auto context = Context();
    Check(Api(*o)->Withdraw(context.get(), request, &info), "withdraw");
  }
  auto info = GetChannel(white, id);
  const auto& amounts = info.balances(0).amounts();
  std::printf("settled on the ledger: white takes %s, black takes %s\n", amounts[0].c_str(),
              amounts[1].c_str());
}

// Replays `pgn_path` through both nodes. Returns the exit status.
int PlayScript(const std::string& pgn_path, const Options& white, const Options& black,
               const std::string& stake, uint64_t challenge) {
  std::ifstream file(pgn_path);
  if (!file) Die("cannot read " + pgn_path);
  std::stringstream text;
  text << file.rdbuf();
  auto pgn = apps::chess::ParsePgn(text.str());
  if (!pgn.ok()) Die(pgn_path + ": " + pgn.status().message());
  auto replay = apps::chess::ReplayPgn(*pgn);  // refuse a bad script before staking anything
  if (!replay.ok()) Die(pgn_path + ": " + replay.status().message());

  v1::NodeInfo black_node = Info(black);
  v1::ConnectPeerRequest connect;
  connect.set_address(black_node.node_id() + "@" + black_node.peer_address());
  v1::PeerInfo peer;
  auto context = Context();
  Check(Api(white)->ConnectPeer(context.get(), connect, &peer), "connecting the players' nodes");
  std::string id = OpenGame(white, black_node.node_id(), stake, challenge).channel_id();
  std::printf("game %s: white and black stake %s each\n", id.c_str(), stake.c_str());

  std::string line;
  for (size_t i = 0; i < pgn->moves.size(); ++i) {
    bool white_moves = i % 2 == 0;
    const Options& mover = white_moves ? white : black;
    Status s = SendChessAction(mover, id, ChessApp::MoveAction(pgn->moves[i]));
    if (!s.ok()) Die("move " + pgn->moves[i] + ": " + s.ToString());
    if (white_moves) line = std::to_string(i / 2 + 1) + ". " + pgn->moves[i];
    if (!white_moves || i + 1 == pgn->moves.size()) {
      std::printf("%s\n", (white_moves ? line : line + " " + pgn->moves[i]).c_str());
    }
  }
  // A result the moves do not reach was a resignation or an agreed draw.
  Game game = MustGame(GetChannel(white, id));
  if (!game.over() && pgn->result != "*") {
    if (pgn->result == "1/2-1/2") {
      Options offerer = game.side_to_move() == Color::kWhite ? white : black;
      Options other = game.side_to_move() == Color::kWhite ? black : white;
      Status offered = SendChessAction(offerer, id, ChessApp::OfferDrawAction());
      Status accepted =
          offered.ok() ? SendChessAction(other, id, ChessApp::AcceptDrawAction()) : offered;
      if (!accepted.ok()) Die("the draw: " + accepted.ToString());
    } else {
      const Options& loser = pgn->result == "1-0" ? black : white;
      Status resigned = SendChessAction(loser, id, ChessApp::ResignAction());
      if (!resigned.ok()) Die("the resignation: " + resigned.ToString());
    }
    game = MustGame(GetChannel(white, id));
  }
  std::printf("\n%s", apps::chess::BoardText(game.position()).c_str());
  if (!game.over()) {
    std::printf("result: * (the game goes on; nothing settled)\n");
    return 0;
  }
  std::printf("result: %s %s\n", apps::chess::ResultString(game.result()),
              apps::chess::GameStatusName(game.status()));
  for (const Options* o : {&white, &black}) {
    WaitFor(
        *o, id, [](const auto& c) { return c.phase() == "final"; }, 10);
  }
  SettleAndReport(white, black, id);
  return 0;
}

// One player at a terminal. Returns the exit status.
int PlayInteractively(const Options& o, const std::string& id) {
  for (;;) {
    v1::ChannelInfo info = GetChannel(o, id);
    Game game = MustGame(info);
    std::printf("\n");
    PrintGame(o, info);
    if (game.over()) return 0;
    if (info.phase() != "open" && info.phase() != "disputed") {
      std::printf("the channel is %s\n", info.phase().c_str());
      return 1;
    }
    bool my_turn = game.side_to_move() == ColorOf(info);
    bool offered_to_me = game.draw_offer() && *game.draw_offer() != ColorOf(info);
    if (!my_turn && !offered_to_me) {
      std::printf("waiting for the opponent...\n");
      uint64_t seen = info.version();
      WaitFor(
          o, id, [seen](const auto& c) { return c.version() > seen; }, 3600);
      continue;
    }
    std::printf("your move (SAN or UCI, resign, draw, accept, decline, quit): ");
    std::fflush(stdout);
    std::string input;
    if (!std::getline(std::cin, input) || input == "quit") return 0;
    Bytes action = input == "resign"    ? ChessApp::ResignAction()
                   : input == "draw"    ? ChessApp::OfferDrawAction()
                   : input == "accept"  ? ChessApp::AcceptDrawAction()
                   : input == "decline" ? ChessApp::DeclineDrawAction()
                                        : ChessApp::MoveAction(input);
    Status s = SendChessAction(o, id, action);
    if (!s.ok()) std::printf("refused: %s\n", s.message().c_str());
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"parley-chess: chess for a stake between two parleyd nodes"};
  Options o, white, black;
  std::string channel_id, peer, stake = "50", script;
  uint64_t challenge = 10;
  bool start_new = false;
  app.add_option("--node", o.node, "your node's API, HOST:PORT")->capture_default_str();
  app.add_option("--channel", channel_id, "play this game");
  app.add_flag("--new", start_new, "propose a new game to --peer (you play white)");
  app.add_option("--peer", peer, "the opponent's node id, with --new");
  app.add_option("--stake", stake, "each player's stake in base units")->capture_default_str();
  app.add_option("--challenge", challenge, "ticks to answer a stalled game on the ledger")
      ->capture_default_str();
  app.add_option("--script", script, "replay this PGN game through --white and --black");
  app.add_option("--white", white.node, "white's node API, with --script");
  app.add_option("--black", black.node, "black's node API, with --script");
  CLI11_PARSE(app, argc, argv);

  if (!script.empty()) return PlayScript(script, white, black, stake, challenge);
  if (start_new) {
    if (peer.empty()) Die("--new needs --peer NODE_ID");
    channel_id = OpenGame(o, peer, stake, challenge).channel_id();
  }
  if (channel_id.empty()) Die("say which game: --channel ID, --new --peer ID, or --script PGN");
  return PlayInteractively(o, channel_id);
}
