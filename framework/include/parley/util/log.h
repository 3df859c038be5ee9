// Logging setup. Pieces log through spdlog's default logger; the process that
// wires the pieces (a daemon, a demo, a test main) chooses the level here.
#pragma once

#include <string_view>

#include "parley/util/status.h"

namespace parley {

// Sets the level of the default logger from a name: "trace", "debug", "info",
// "warn", "error", "off". Returns InvalidArgument for any other name.
Status SetLogLevel(std::string_view level);

}  // namespace parley
