// chess-perft: counts the move sequences of a given length from a position,
// to check the chess move generator against published perft counts.
//
//   chess-perft "<FEN>" <depth>
//
// Prints the count alone on stdout. Exits 0 on success, 1 for an invalid FEN
// or depth, 2 for a wrong number of arguments; -h or --help prints usage.
#include <cstdio>
#include <string>
#include <string_view>

#include "chess/fen.h"
#include "chess/perft.h"

namespace {

constexpr int kMaxDepth = 15;

void PrintUsage(std::FILE* out) {
  std::fprintf(out,
               "usage: chess-perft \"<FEN>\" <depth>\n"
               "Counts the legal move sequences of <depth> plies (0 to %d) from the position\n"
               "<FEN> (all six fields, quoted as one argument), e.g.\n"
               "  chess-perft \"%s\" 5\n"
               "prints 4865609.\n",
               kMaxDepth, parley::apps::chess::kInitialFen);
}

// The depth, or -1 if `text` is not a whole number from 0 to kMaxDepth.
int ParseDepth(std::string_view text) {
  if (text.empty() || text.size() > 2) return -1;
  int depth = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return -1;
    depth = depth * 10 + (c - '0');
  }
  return depth <= kMaxDepth ? depth : -1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && (std::string_view(argv[1]) == "-h" || std::string_view(argv[1]) == "--help")) {
    PrintUsage(stdout);
    return 0;
  }
  if (argc != 3) {
    std::fprintf(stderr, "chess-perft: expected 2 arguments, a FEN and a depth, got %d\n",
                 argc - 1);
    PrintUsage(stderr);
    return 2;
  }
  auto position = parley::apps::chess::ParseFen(argv[1]);
  if (!position.ok()) {
    std::fprintf(stderr, "chess-perft: %s\n", position.status().message().c_str());
    return 1;
  }
  int depth = ParseDepth(argv[2]);
  if (depth < 0) {
    std::fprintf(stderr, "chess-perft: the depth must be a whole number from 0 to %d, got '%s'\n",
                 kMaxDepth, argv[2]);
    return 1;
  }
  std::printf("%llu\n",
              static_cast<unsigned long long>(parley::apps::chess::Perft(*position, depth)));
  return 0;
}
