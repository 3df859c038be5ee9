// The property each fuzz target checks, as a function a unit test can call
// too: the libFuzzer targets abort on a failure, and fuzz_regression_tests
// runs every seed and every input that once failed (tests/fuzz/corpus,
// tests/fuzz/regressions) in the plain test suite.
#pragma once

#include "parley/util/bytes.h"
#include "parley/util/status.h"

namespace parley::fuzz {

// The first byte picks a channel type (params, state, signed state, channel
// record); whatever decodes from the rest must encode to the same bytes.
Status CheckChannelDecode(ByteView input);
// Whatever parses as a Bitcoin transaction must serialize to the same bytes.
Status CheckBitcoinTx(ByteView input);
// A node given `input` as a message from its channel's peer keeps a latest
// state that both participants signed (and does not crash).
Status CheckPeerMessage(ByteView input);

}  // namespace parley::fuzz
