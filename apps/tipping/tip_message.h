// The message that comes with a tip: what a streamer may show on screen.
#pragma once

#include <cstddef>
#include <string_view>

#include "parley/util/status.h"

namespace parley::apps {

inline constexpr size_t kMaxTipMessageBytes = 140;

// OK if `message` is at most kMaxTipMessageBytes of valid UTF-8 without
// control characters (C0, DEL, C1) or line and paragraph separators, so it
// prints on one line. InvalidArgument naming the first problem otherwise.
// The empty message is allowed.
Status CheckTipMessage(std::string_view message);

}  // namespace parley::apps
