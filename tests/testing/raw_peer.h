// RawPeer: a client of the parley.v1.Peer service written from the spec in
// wire.proto, for tests that play a misbehaving or hostile peer.
#pragma once

#include <grpcpp/grpcpp.h>

#include <deque>
#include <string>

#include "parley/crypto/hash.h"
#include "parley/crypto/random.h"
#include "parley/crypto/schnorr.h"
#include "parley/v1/wire.grpc.pb.h"
#include "parley/wire/transport.h"

namespace parley::wire::testing {

// A raw client of the Peer service, for peers that misbehave.
class RawPeer {
 public:
  explicit RawPeer(const std::string& address) {
    grpc::ChannelArguments args;
    args.SetMaxSendMessageSize(-1);
    stub_ = v1::Peer::NewStub(
        grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args));
    stream_ = stub_->Connect(&context_);
  }
  ~RawPeer() {
    if (finished_) return;
    context_.TryCancel();
    stream_->Finish();
  }

  bool SayHello(const crypto::PublicKey& as, std::string* their_challenge, PeerId* them) {
    v1::Frame hello;
    hello.mutable_hello()->set_node_key(Str(as.bytes()));
    hello.mutable_hello()->set_challenge(Str(challenge_));
    hello.mutable_hello()->set_protocol_version(1);
    v1::Frame in;
    if (!stream_->Write(hello) || !stream_->Read(&in) || !in.has_hello()) return false;
    *their_challenge = in.hello().challenge();
    *them = crypto::PublicKey::FromBytes(AsBytes(in.hello().node_key())).value();
    return true;
  }
  // The whole handshake, honestly, as `key` (this client dials: it initiates).
  bool Handshake(const crypto::PrivateKey& key) {
    std::string theirs;
    PeerId them = key.public_key();
    if (!SayHello(key.public_key(), &theirs, &them)) return false;
    if (!SendProof(crypto::SchnorrSign(
            key, Digest('I', key.public_key(), them, Str(challenge_), theirs)))) {
      return false;
    }
    v1::Frame in;
    return stream_->Read(&in) && in.has_proof();
  }
  // Reads the server's proof (after SayHello), as a relaying attacker would.
  std::string ReadProof() {
    v1::Frame in;
    return stream_->Read(&in) && in.has_proof() ? in.proof().signature() : std::string();
  }
  bool SendRawProof(const std::string& signature) {
    v1::Frame proof;
    proof.mutable_proof()->set_signature(signature);
    return stream_->Write(proof);
  }
  // The challenge this client sent in its hello.
  std::string challenge() const { return Str(challenge_); }
  void set_challenge(const std::string& c) { std::copy(c.begin(), c.end(), challenge_.begin()); }
  bool SendProof(const crypto::Signature& sig) {
    v1::Frame proof;
    proof.mutable_proof()->set_signature(std::string(sig.begin(), sig.end()));
    return stream_->Write(proof);
  }
  bool Write(const v1::Frame& f) { return stream_->Write(f); }
  // The next frame; the frames of a Batch come one by one, in order.
  bool Read(v1::Frame* f) {
    if (unbatched_.empty()) {
      if (!stream_->Read(f)) return false;
      if (!f->has_batch()) return true;
      for (auto& inner : *f->mutable_batch()->mutable_frames()) unbatched_.push_back(inner);
      if (unbatched_.empty()) return Read(f);
    }
    *f = std::move(unbatched_.front());
    unbatched_.pop_front();
    return true;
  }
  // Reads until the server ends the stream; returns its status.
  grpc::Status Finish() {
    v1::Frame in;
    while (stream_->Read(&in)) {
    }
    finished_ = true;
    return stream_->Finish();
  }

 private:
  template <typename T>
  static std::string Str(const T& bytes) {
    return {bytes.begin(), bytes.end()};
  }
  // The handshake digest of wire.proto, written from the spec.
  static Hash32 Digest(char role, const crypto::PublicKey& initiator,
                       const crypto::PublicKey& responder, const std::string& initiator_challenge,
                       const std::string& responder_challenge) {
    std::string data(1, role);
    data +=
        Str(initiator.bytes()) + Str(responder.bytes()) + initiator_challenge + responder_challenge;
    return crypto::TaggedHash("Parley/Handshake/v1", AsBytes(data));
  }

  Hash32 challenge_ = crypto::RandomHash32();
  std::unique_ptr<v1::Peer::Stub> stub_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReaderWriter<v1::Frame, v1::Frame>> stream_;
  bool finished_ = false;
  std::deque<v1::Frame> unbatched_;  // the rest of the last Batch read
};

}  // namespace parley::wire::testing
