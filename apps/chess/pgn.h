// PGN (Portable Game Notation) movetext, read far enough to replay a game:
// tag pairs ([Event "..."]), move numbers ("12." and "12..."), SAN moves,
// comments ({...} and ; to the end of the line), NAGs ($1), and variations
// in parentheses (skipped, nesting allowed), ending with the result token.
// One game per text.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "chess/game.h"
#include "parley/util/status.h"

namespace parley::apps::chess {

struct PgnGame {
  std::vector<std::pair<std::string, std::string>> tags;  // name, value
  std::vector<std::string> moves;                         // SAN, in order
  std::string result;  // "1-0", "0-1", "1/2-1/2" or "*" (none given: "*")
};

// InvalidArgument naming the line and what is wrong: an unterminated tag,
// comment or string, unbalanced parentheses, a token that is neither a move
// number, a move, a NAG nor a result, or text after the result.
Result<PgnGame> ParsePgn(std::string_view text);

// Plays the game's moves from the standard position (or the FEN tag's, when
// the SetUp tag is "1"). InvalidArgument naming the move number of the first
// move that is illegal, ambiguous or comes after the game ended, or when the
// moves end the game (checkmate, stalemate, ...) with another result than
// the text gives. A game the moves leave open may carry any result (a
// resignation, an agreed draw).
Result<Game> ReplayPgn(const PgnGame& pgn);

}  // namespace parley::apps::chess
