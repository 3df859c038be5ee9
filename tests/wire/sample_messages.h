// Sample protocol messages for the wire tests: one of each kind, and the
// six that carry a backend's extra bytes.
#pragma once

#include <vector>

#include "parley/crypto/random.h"
#include "parley/wire/messages.h"

namespace parley::wire::samples {

inline channel::State SomeState() {
  return {.channel_id = crypto::RandomHash32(),
          .version = 42,
          .allocation = {{{.asset = "native", .balances = {7, 9}}}},
          .app_data = {1, 2, 3},
          .is_final = true};
}

inline std::vector<Message> OneOfEach() {
  auto key = crypto::PrivateKey::Generate().public_key();
  auto key2 = crypto::PrivateKey::Generate().public_key();
  channel::Params params{.participants = {key, key2},
                         .nonce = crypto::RandomHash32(),
                         .challenge_duration = 5,
                         .app = "payment",
                         .backend = "sim"};
  channel::Signature sig(64, 0xab);
  Hash32 id = crypto::RandomHash32();
  return {ChannelProposal{params, SomeState(), sig},
          ChannelAccept{id, sig},
          ChannelReject{id, "no thanks"},
          UpdateProposal{id, SomeState(), sig},
          UpdateAccept{id, 43, sig},
          UpdateReject{id, 43, StatusCode::kAborted, "crossed"},
          SyncState{id, {SomeState(), {sig, std::nullopt}}},
          StateOffer{id, SomeState(), sig}};
}

// The six messages that carry a backend's extra bytes, each with `extra`.
inline std::vector<Message> WithExtra(const Bytes& extra) {
  std::vector<Message> out;
  for (Message m : OneOfEach()) {
    bool carries = std::visit(
        [&](auto& msg) {
          if constexpr (requires { msg.extra; }) {
            msg.extra = extra;
            return true;
          }
          return false;
        },
        m);
    if (carries) out.push_back(std::move(m));
  }
  return out;
}

inline Bytes ExtraOf(const Message& m) {
  return std::visit(
      [](const auto& msg) -> Bytes {
        if constexpr (requires { msg.extra; }) return msg.extra;
        return {};
      },
      m);
}

}  // namespace parley::wire::samples
