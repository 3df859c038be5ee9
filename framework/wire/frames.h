// Conversion between the protocol's messages (wire/messages.h) and the gRPC
// Frames of proto/parley/v1/wire.proto. Private to framework/wire.
#pragma once

#include "parley/v1/wire.pb.h"
#include "parley/wire/messages.h"

namespace parley::wire {

v1::Frame ToFrame(const Message& message);
// InvalidArgument for a frame that is not a protocol message (a handshake
// frame, an empty one) or whose fields do not decode.
Result<Message> FromFrame(const v1::Frame& frame);

}  // namespace parley::wire
