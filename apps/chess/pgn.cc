#include "chess/pgn.h"

#include <cctype>

#include "chess/fen.h"
#include "chess/notation.h"

namespace parley::apps::chess {
namespace {

constexpr const char* kStartFen = "rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1";

bool IsResult(std::string_view token) {
  return token == "1-0" || token == "0-1" || token == "1/2-1/2" || token == "*";
}

// "12." or "12..." (also glued to a move: "12.e4" is split by the reader).
bool IsMoveNumber(std::string_view token) {
  size_t digits = 0;
  while (digits < token.size() && std::isdigit(static_cast<unsigned char>(token[digits]))) {
    ++digits;
  }
  if (digits == 0 || digits == token.size()) return false;
  return token.substr(digits).find_first_not_of('.') == std::string_view::npos;
}

bool LooksLikeSan(std::string_view token) {
  if (token.empty() || token.size() > 16) return false;
  for (char c : token) {
    if (!std::isalnum(static_cast<unsigned char>(c)) &&
        std::string_view("+#=-!?").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return std::isalpha(static_cast<unsigned char>(token[0])) || token.starts_with("0-0");
}

class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  Status Read(PgnGame* game) {
    while (SkipSpace(), pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == '[') {
        PARLEY_RETURN_IF_ERROR(ReadTag(game));
      } else if (c == '{') {
        PARLEY_RETURN_IF_ERROR(SkipComment());
      } else if (c == ';') {
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
      } else if (c == '(') {
        PARLEY_RETURN_IF_ERROR(SkipVariation());
      } else if (c == ')') {
        return Error("a ')' without its '('");
      } else {
        PARLEY_RETURN_IF_ERROR(ReadToken(game));
      }
    }
    if (game->result.empty()) game->result = "*";
    return Status::Ok();
  }

 private:
  Status Error(const std::string& what) const {
    size_t line = 1;
    for (size_t i = 0; i < pos_ && i < text_.size(); ++i) line += text_[i] == '\n';
    return Status::InvalidArgument("PGN line " + std::to_string(line) + ": " + what);
  }

  void SkipSpace() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }

  Status ReadTag(PgnGame* game) {
    if (!game->moves.empty() || !game->result.empty()) return Error("a tag after the moves");
    size_t end = text_.find_first_of("]\n", pos_);
    if (end == std::string_view::npos || text_[end] != ']') return Error("an unterminated tag");
    std::string_view tag = text_.substr(pos_ + 1, end - pos_ - 1);
    size_t space = tag.find(' ');
    size_t open = tag.find('"');
    if (space == std::string_view::npos || space == 0 || open == std::string_view::npos ||
        tag.size() < open + 2 || tag.back() != '"' || open < space) {
      return Error("a tag is not [Name \"value\"]");
    }
    game->tags.emplace_back(std::string(tag.substr(0, space)),
                            std::string(tag.substr(open + 1, tag.size() - open - 2)));
    pos_ = end + 1;
    return Status::Ok();
  }

  Status SkipComment() {
    size_t end = text_.find('}', pos_);
    if (end == std::string_view::npos) return Error("an unterminated comment");
    pos_ = end + 1;
    return Status::Ok();
  }

  Status SkipVariation() {
    int depth = 0;
    for (; pos_ < text_.size(); ++pos_) {
      char c = text_[pos_];
      if (c == '{') {
        PARLEY_RETURN_IF_ERROR(SkipComment());
        --pos_;
      } else if (c == '(') {
        ++depth;
      } else if (c == ')' && --depth == 0) {
        ++pos_;
        return Status::Ok();
      }
    }
    return Error("a '(' without its ')'");
  }

  Status ReadToken(PgnGame* game) {
    size_t end = pos_;
    while (end < text_.size() && !std::isspace(static_cast<unsigned char>(text_[end])) &&
           std::string_view("{}()[];").find(text_[end]) == std::string_view::npos) {
      ++end;
    }
    std::string_view token = text_.substr(pos_, end - pos_);
    // A move number, perhaps glued to its move ("12.e4", "12...Nf6"): the
    // number is this token, the move the next.
    size_t digits = 0;
    while (digits < token.size() && std::isdigit(static_cast<unsigned char>(token[digits]))) {
      ++digits;
    }
    if (digits > 0 && digits < token.size() && token[digits] == '.') {
      size_t after = token.find_first_not_of('.', digits);
      if (after != std::string_view::npos) token = token.substr(0, after);
      end = pos_ + token.size();
    }
    if (!game->result.empty()) return Error("text after the result: '" + std::string(token) + "'");
    if (IsResult(token)) {
      game->result = std::string(token);
    } else if (token.starts_with('$') && token.size() > 1 &&
               token.substr(1).find_first_not_of("0123456789") == std::string_view::npos) {
      // A NAG: an annotation, nothing to play.
    } else if (IsMoveNumber(token)) {
      // Numbering only; the moves' order is what counts.
    } else if (LooksLikeSan(token)) {
      game->moves.emplace_back(token);
    } else {
      return Error("'" + std::string(token) + "' is not a move, a move number or a result");
    }
    pos_ = end;
    return Status::Ok();
  }

  std::string_view text_;
  size_t pos_ = 0;
};

// The FEN a game starts from: the FEN tag when SetUp is "1".
std::string StartFen(const PgnGame& pgn) {
  std::string setup, fen;
  for (const auto& [name, value] : pgn.tags) {
    if (name == "SetUp") setup = value;
    if (name == "FEN") fen = value;
  }
  return setup == "1" && !fen.empty() ? fen : kStartFen;
}

}  // namespace

Result<PgnGame> ParsePgn(std::string_view text) {
  PgnGame game;
  PARLEY_RETURN_IF_ERROR(Reader(text).Read(&game));
  return game;
}

Result<Game> ReplayPgn(const PgnGame& pgn) {
  auto start = ParseFen(StartFen(pgn));
  if (!start.ok()) return Status::InvalidArgument("the FEN tag: " + start.status().message());
  Game game = Game::Start(*start);
  for (size_t i = 0; i < pgn.moves.size(); ++i) {
    std::string number = std::to_string(game.position().fullmove_number()) +
                         (game.side_to_move() == Color::kWhite ? ". " : "... ") + pgn.moves[i];
    auto move = ParseSan(game.position(), pgn.moves[i]);
    if (!move.ok())
      return Status::InvalidArgument("move " + number + ": " + move.status().message());
    Status played = game.Play(*move);
    if (!played.ok()) return Status::InvalidArgument("move " + number + ": " + played.message());
  }
  std::string reached = ResultString(game.result());
  if (game.over() && pgn.result != "*" && pgn.result != reached) {
    return Status::InvalidArgument("the text says " + pgn.result + " but the moves end in " +
                                   reached + " (" + GameStatusName(game.status()) + ")");
  }
  return game;
}

}  // namespace parley::apps::chess
