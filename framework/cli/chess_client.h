// Playing chess through a node's API: what the parley CLI's chess commands
// and the parley-chess example share.
#pragma once

#include <string>

#include "chess/game.h"
#include "cli_common.h"
#include "parley/util/bytes.h"
#include "parley/util/status.h"

namespace parley::cli {

// The game a chess channel holds; InvalidArgument if the channel is not a
// chess game or its state does not decode.
Result<apps::chess::Game> GameOf(const v1::ChannelInfo& info);
// The colour this node plays in the game (participant 0 plays white).
apps::chess::Color ColorOf(const v1::ChannelInfo& info);

// Proposes a game to `opponent` (this node plays white), each player
// staking `stake`, from the standard position or from `fen`; returns it once
// open. Dies with the reason if `fen` does not start a game or it does not
// open.
v1::ChannelInfo OpenGame(const Options& o, const std::string& opponent, const std::string& stake,
                         uint64_t challenge, const std::string& fen = "");

// Sends a chess action (ChessApp::MoveAction, ResignAction, ...): an
// off-chain update while the channel is open, a move on the ledger while it
// is disputed. Waits until the node is idle; returns the node's answer.
Status SendChessAction(const Options& o, const std::string& id, const Bytes& action);

// The board from this node's side, how the game stands, and the pot; the
// channel as JSON with --json.
void PrintGame(const Options& o, const v1::ChannelInfo& info);

}  // namespace parley::cli
