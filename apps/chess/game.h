// Game: a position with everything the end-of-game rules need, and the
// players' actions besides moves (resigning, offering, accepting and
// declining a draw).
//
// Rules chosen where FIDE leaves a claim to the players, so that no claim
// needs a message of its own (both players can see the draw coming):
//   - the fifty-move rule ends the game at once when the halfmove clock
//     reaches 100, unless that move mates;
//   - threefold repetition ends the game at once when a position (see
//     PositionKey) occurs for the third time;
//   - insufficient material ends the game at once: kings only, one minor
//     piece (knight or bishop) and the kings, or kings and bishops that all
//     stand on squares of one colour.
// A draw offer stands until the offerer's opponent accepts it, declines it
// or makes a move; the offerer's own moves keep it standing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "chess/board.h"
#include "chess/position_key.h"
#include "chess/types.h"
#include "parley/util/status.h"

namespace parley::apps::chess {

// The values are those of the binary encoding (game_codec.h).
enum class GameStatus : uint8_t {
  kOngoing = 0,
  kCheckmate = 1,
  kStalemate = 2,
  kFiftyMoveRule = 3,
  kThreefoldRepetition = 4,
  kInsufficientMaterial = 5,
  kResignation = 6,
  kDrawAgreed = 7,
};
inline constexpr uint8_t kLastGameStatus = 7;

enum class GameResult : uint8_t { kNone = 0, kWhiteWins = 1, kBlackWins = 2, kDraw = 3 };
inline constexpr uint8_t kLastGameResult = 3;

// "ongoing", "checkmate", "stalemate", "fifty-move rule", "threefold
// repetition", "insufficient material", "resignation", "draw agreed".
const char* GameStatusName(GameStatus status);
// "*" while ongoing, "1-0", "0-1", "1/2-1/2".
const char* ResultString(GameResult result);

// True if neither side has mating material, as listed in the header comment.
bool HasInsufficientMaterial(const Position& position);

class Game {
 public:
  // Positions since the last capture or pawn move, the current one included:
  // at most 101, as the fifty-move rule ends the game at 100 half-moves.
  static constexpr size_t kMaxHistory = 101;

  // A game from `position`; it is over at once if the rules say so (e.g. the
  // side to move is stalemated).
  static Game Start(const Position& position);

  // A game from its parts, as stored. InvalidArgument unless they agree: the
  // history ends with the position's key and is no longer than the halfmove
  // clock allows; the result fits the status; a draw offer only while the
  // game goes on; and the status is what the rules say of the position, or
  // resignation or an agreed draw where the rules let the game go on.
  static Result<Game> Restore(const Position& position, std::vector<PositionKey> history,
                              GameStatus status, GameResult result,
                              std::optional<Color> draw_offer);

  const Position& position() const { return position_; }
  Color side_to_move() const { return position_.side_to_move(); }
  GameStatus status() const { return status_; }
  GameResult result() const { return result_; }
  bool over() const { return status_ != GameStatus::kOngoing; }
  // The player whose draw offer stands, if any.
  std::optional<Color> draw_offer() const { return draw_offer_; }
  const std::vector<PositionKey>& history() const { return history_; }
  std::string Fen() const;

  // OK while the game goes on; FailedPrecondition saying how it ended
  // otherwise.
  Status CheckOngoing() const;

  // Plays `move` for the side to move. FailedPrecondition once the game is
  // over; InvalidArgument with the reason if the move is not legal.
  Status Play(const Move& move);
  // `who` gives up; the opponent wins. FailedPrecondition once over.
  Status Resign(Color who);
  // FailedPrecondition once over, or while a draw offer stands (`who`'s own,
  // or the opponent's, which `who` should accept or decline instead).
  Status OfferDraw(Color who);
  // Ends the game in an agreed draw. FailedPrecondition unless the
  // opponent's offer stands.
  Status AcceptDraw(Color who);
  // Withdraws the opponent's standing offer. FailedPrecondition unless it
  // stands.
  Status DeclineDraw(Color who);

  bool operator==(const Game&) const = default;

 private:
  explicit Game(const Position& position) : position_(position) {}

  Status CheckOfferFrom(Color offerer) const;
  void End(GameStatus status, GameResult result);

  Position position_;
  std::vector<PositionKey> history_;
  GameStatus status_ = GameStatus::kOngoing;
  GameResult result_ = GameResult::kNone;
  std::optional<Color> draw_offer_;
};

}  // namespace parley::apps::chess
