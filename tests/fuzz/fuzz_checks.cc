#include "fuzz_checks.h"

#include "fuzz_channel_fixture.h"
#include "parley/channel/encoding.h"
#include "parley/client/node.h"
#include "parley/crypto/bitcoin_tx.h"
#include "parley/wire/memory_transport.h"

namespace parley::fuzz {
namespace {

template <typename T>
Status RoundTrip(ByteView bytes, const char* what) {
  auto decoded = channel::Decode<T>(bytes, what);
  if (!decoded.ok()) return Status::Ok();
  if (channel::Encode(*decoded) != Bytes(bytes.begin(), bytes.end())) {
    return Status::Internal(std::string("a ") + what +
                            " decodes but does not encode back to the same bytes");
  }
  return Status::Ok();
}

}  // namespace

Status CheckChannelDecode(ByteView input) {
  if (input.empty()) return Status::Ok();
  ByteView rest = input.subspan(1);
  switch (input[0] % 4) {
    case 0:
      return RoundTrip<channel::Params>(rest, "params");
    case 1:
      return RoundTrip<channel::State>(rest, "state");
    case 2:
      return RoundTrip<channel::SignedState>(rest, "signed state");
    default:
      return RoundTrip<channel::ChannelRecord>(rest, "channel record");
  }
}

Status CheckBitcoinTx(ByteView input) {
  auto tx = crypto::ParseTransaction(input);
  if (!tx.ok()) return Status::Ok();
  if (crypto::Serialize(*tx) != Bytes(input.begin(), input.end())) {
    return Status::Internal("a transaction parses but does not serialize back to the same bytes");
  }
  return Status::Ok();
}

Status CheckPeerMessage(ByteView input) {
  static ChannelPair pair;
  const channel::Channel& channel = *pair.alice_channel;
  auto store = store::NewMemoryStore();
  PARLEY_RETURN_IF_ERROR(store::ChannelStore(*store).Put(channel.record()));
  wire::MemoryNetwork network;
  wire::Transport& bob = network.Join(pair.bob.public_key());
  settlement::SimClient chain(*pair.ledger, pair.alice.public_key());
  client::Node node(pair.alice, *store, network.Join(pair.alice.public_key()), chain, chain,
                    pair.ledger->scheme(), pair.apps);
  PARLEY_RETURN_IF_ERROR(node.Start());
  (void)bob.Send(pair.alice.public_key(), Bytes(input.begin(), input.end()));
  network.Deliver();

  PARLEY_ASSIGN_OR_RETURN(channel::SignedState latest, node.LatestSignedState(channel.id()));
  Status signed_by_both =
      channel::VerifySignatures(pair.ledger->scheme(), channel.params(), latest, true);
  if (!signed_by_both.ok()) {
    return Status::Internal("the node's latest state is not signed by both: " +
                            signed_by_both.message());
  }
  return Status::Ok();
}

}  // namespace parley::fuzz
