// The 0x88 steps of each piece, shared by attack detection and move
// generation.
#pragma once

namespace parley::apps::chess {

inline constexpr int kKnightSteps[8] = {33, 31, 18, 14, -14, -18, -31, -33};
inline constexpr int kKingSteps[8] = {17, 16, 15, 1, -1, -15, -16, -17};
inline constexpr int kBishopSteps[4] = {17, 15, -15, -17};
inline constexpr int kRookSteps[4] = {16, 1, -1, -16};

}  // namespace parley::apps::chess
