// A payment channel between two fixed keys, open and funded, built without a
// ledger or a network: what the peer-message fuzz target feeds, and what
// make_seeds encodes valid messages for. Deterministic keys and nonce, so
// seeds written once name the same channel in every run.
#pragma once

#include <memory>

#include "parley/channel/channel.h"
#include "parley/settlement/sim_ledger.h"
#include "parley/store/store.h"
#include "parley/util/must.h"
#include "payment/payment_app.h"

namespace parley::fuzz {

inline crypto::PrivateKey FixedKey(uint8_t fill) {
  return Must(crypto::PrivateKey::FromBytes(Bytes(32, fill)), "fixed key");
}

struct ChannelPair {
  channel::AppRegistry apps;
  std::unique_ptr<store::Store> ledger_store = store::NewMemoryStore();
  std::unique_ptr<settlement::SimLedger> ledger;
  crypto::PrivateKey alice = FixedKey(0x11);
  crypto::PrivateKey bob = FixedKey(0x22);
  std::optional<channel::Channel> alice_channel;  // open, at version 0
  std::optional<channel::Channel> bob_channel;

  ChannelPair() {
    Must(apps.Register(std::make_shared<apps::PaymentApp>()), "app");
    ledger = Must(settlement::SimLedger::Open(*ledger_store, apps), "ledger");
    const channel::SignatureScheme& scheme = ledger->scheme();
    const channel::App& app = *Must(apps.Find(apps::PaymentApp::kId), "app");
    channel::Params params{.participants = {alice.public_key(), bob.public_key()},
                           .nonce = Hash32{7},
                           .challenge_duration = 10,
                           .app = apps::PaymentApp::kId,
                           .backend = std::string(scheme.name())};
    channel::State initial{.channel_id = scheme.ComputeChannelId(params),
                           .allocation = {{{.asset = "native", .balances = {100, 100}}}}};
    alice_channel = Must(channel::Channel::Propose(params, initial, 0, alice, scheme, app), "a");
    bob_channel = Must(channel::Channel::FromProposal(
                           params, initial, 0, *alice_channel->latest().sigs[0], 1, scheme, app),
                       "b");
    channel::Signature bob_sig = Must(bob_channel->SignInitial(bob), "sign");
    Must(alice_channel->AddInitialSignature(1, bob_sig), "add");
    Must(alice_channel->MarkFunded(), "funded");
    Must(bob_channel->MarkFunded(), "funded");
  }
};

}  // namespace parley::fuzz
