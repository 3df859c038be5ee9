// Writes the seed corpus of each fuzz target: valid inputs a fuzzer mutates
// from. Run once from the fuzz build (scripts/test --fuzz does not); the
// files it writes are kept in tests/fuzz/corpus/.
//   make_seeds DIR
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "fuzz_channel_fixture.h"
#include "parley/channel/encoding.h"
#include "parley/crypto/bitcoin_tx.h"
#include "parley/wire/messages.h"

namespace parley::fuzz {
namespace {

void WriteSeed(const std::filesystem::path& dir, const std::string& name, const Bytes& bytes) {
  std::filesystem::create_directories(dir);
  std::ofstream(dir / name, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
}

template <typename T>
Bytes Tagged(uint8_t tag, const T& value) {
  Bytes out{tag};
  Bytes encoded = channel::Encode(value);
  out.insert(out.end(), encoded.begin(), encoded.end());
  return out;
}

void ChannelSeeds(const std::filesystem::path& dir, const ChannelPair& pair) {
  const channel::Channel& c = *pair.alice_channel;
  WriteSeed(dir, "params", Tagged(0, c.params()));
  WriteSeed(dir, "state", Tagged(1, c.latest().state));
  WriteSeed(dir, "signed-state", Tagged(2, c.latest()));
  WriteSeed(dir, "record", Tagged(3, c.record()));
}

void MessageSeeds(const std::filesystem::path& dir, ChannelPair& pair) {
  channel::Channel& bob = *pair.bob_channel;
  const channel::App& app = *Must(pair.apps.Find(apps::PaymentApp::kId), "app");
  channel::State next =
      Must(app.ApplyAction(bob.params(), bob.latest().state, 1, apps::PaymentApp::PayAction(5, 0)),
           "pay");
  next.version = bob.NextVersion();
  Hash32 base = bob.BaseHash(bob.latest().state);
  channel::SignedState proposal = Must(bob.ProposeUpdate(next, pair.bob), "propose");
  const channel::ChannelId id = bob.id();
  const channel::Signature& sig = *proposal.sigs[1];
  int n = 0;
  for (const wire::Message& m : std::initializer_list<wire::Message>{
           wire::UpdateProposal{id, next, sig, base}, wire::UpdateAccept{id, 1, sig},
           wire::UpdateReject{id, 1, StatusCode::kAborted, "crossed"},
           wire::SyncState{id, pair.alice_channel->latest()}, wire::StateOffer{id, next, sig},
           wire::ChannelProposal{bob.params(), pair.alice_channel->latest().state, sig},
           wire::ChannelAccept{id, sig}, wire::ChannelReject{id, "no"}}) {
    WriteSeed(dir, "message-" + std::to_string(n++), wire::EncodeMessage(m));
  }
}

void TransactionSeeds(const std::filesystem::path& dir) {
  crypto::Transaction tx;
  tx.inputs.push_back({.prevout = {.txid = Hash32{1}, .index = 0}, .sequence = 0xfffffffe});
  tx.outputs.push_back({.amount_sats = 99'000, .script_pubkey = Bytes(34, 0x51)});
  tx.lock_time = 10'000;
  WriteSeed(dir, "legacy", crypto::Serialize(tx));
  tx.inputs[0].witness.push_back(Bytes(64, 0xab));
  WriteSeed(dir, "segwit", crypto::Serialize(tx));
}

}  // namespace
}  // namespace parley::fuzz

int main(int argc, char** argv) {
  using namespace parley;
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_seeds DIR\n");
    return 2;
  }
  std::filesystem::path dir = argv[1];
  fuzz::ChannelPair pair;
  fuzz::ChannelSeeds(dir / "channel_decode", pair);
  fuzz::MessageSeeds(dir / "peer_message", pair);
  fuzz::TransactionSeeds(dir / "bitcoin_tx");
  return 0;
}
