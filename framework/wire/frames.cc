#include "frames.h"

#include "parley/channel/encoding.h"
#include "parley/wire/grpc_common.h"

namespace parley::wire {
namespace {

std::string Str(ByteView bytes) { return {bytes.begin(), bytes.end()}; }
ByteView View(const std::string& s) { return AsBytes(s); }

Result<channel::ChannelId> ReadId(const std::string& bytes) {
  return Hash32FromBytes(bytes, "a channel id");
}

Result<channel::Signature> ReadSig(const std::string& bytes) {
  if (bytes.size() > channel::kMaxSignatureSize) {
    return Status::InvalidArgument("a signature of " + std::to_string(bytes.size()) +
                                   " bytes is too long");
  }
  return channel::Signature(bytes.begin(), bytes.end());
}

Result<Bytes> ReadExtra(const std::string& bytes) {
  if (bytes.size() > kMaxExtraSize) {
    return Status::InvalidArgument("a backend's extra of " + std::to_string(bytes.size()) +
                                   " bytes is above the limit of " + std::to_string(kMaxExtraSize));
  }
  return Bytes(bytes.begin(), bytes.end());
}

Result<std::string> ReadReason(const std::string& reason) {
  if (reason.size() > kMaxReasonLength) return Status::InvalidArgument("reason too long");
  return reason;
}

struct ToFrameVisitor {
  v1::Frame& f;
  void operator()(const ChannelProposal& m) {
    auto* p = f.mutable_channel_proposal();
    p->set_params(Str(channel::Encode(m.params)));
    p->set_initial_state(Str(channel::Encode(m.initial)));
    p->set_signature(Str(m.sig));
    p->set_extra(Str(m.extra));
  }
  void operator()(const ChannelAccept& m) {
    auto* p = f.mutable_channel_accept();
    p->set_channel_id(Str(m.channel));
    p->set_signature(Str(m.sig));
    p->set_extra(Str(m.extra));
  }
  void operator()(const ChannelReject& m) {
    auto* p = f.mutable_channel_reject();
    p->set_channel_id(Str(m.channel));
    p->set_reason(m.reason);
  }
  void operator()(const UpdateProposal& m) {
    auto* p = f.mutable_update_proposal();
    p->set_channel_id(Str(m.channel));
    p->set_state(Str(channel::Encode(m.state)));
    p->set_signature(Str(m.sig));
    p->set_base_state_hash(Str(m.base));
    p->set_extra(Str(m.extra));
  }
  void operator()(const UpdateAccept& m) {
    auto* p = f.mutable_update_accept();
    p->set_channel_id(Str(m.channel));
    p->set_version(m.version);
    p->set_signature(Str(m.sig));
    p->set_extra(Str(m.extra));
  }
  void operator()(const UpdateReject& m) {
    auto* p = f.mutable_update_reject();
    p->set_channel_id(Str(m.channel));
    p->set_version(m.version);
    p->set_code(static_cast<uint32_t>(m.code));
    p->set_reason(m.reason);
    p->set_extra(Str(m.extra));
  }
  void operator()(const SyncState& m) {
    auto* p = f.mutable_sync();
    p->set_channel_id(Str(m.channel));
    p->set_signed_state(Str(channel::Encode(m.state)));
    p->set_extra(Str(m.extra));
  }
  void operator()(const StateOffer& m) {
    auto* p = f.mutable_offer();
    p->set_channel_id(Str(m.channel));
    p->set_state(Str(channel::Encode(m.state)));
    p->set_signature(Str(m.sig));
  }
};

}  // namespace

v1::Frame ToFrame(const Message& message) {
  v1::Frame frame;
  std::visit(ToFrameVisitor{frame}, message);
  return frame;
}

Result<Message> FromFrame(const v1::Frame& f) {
  switch (f.body_case()) {
    case v1::Frame::kChannelProposal: {
      const auto& p = f.channel_proposal();
      ChannelProposal m;
      PARLEY_ASSIGN_OR_RETURN(m.params,
                              channel::Decode<channel::Params>(View(p.params()), "params"));
      PARLEY_ASSIGN_OR_RETURN(m.initial,
                              channel::Decode<channel::State>(View(p.initial_state()), "state"));
      PARLEY_ASSIGN_OR_RETURN(m.sig, ReadSig(p.signature()));
      PARLEY_ASSIGN_OR_RETURN(m.extra, ReadExtra(p.extra()));
      return Message(std::move(m));
    }
    case v1::Frame::kChannelAccept: {
      ChannelAccept m;
      PARLEY_ASSIGN_OR_RETURN(m.channel, ReadId(f.channel_accept().channel_id()));
      PARLEY_ASSIGN_OR_RETURN(m.sig, ReadSig(f.channel_accept().signature()));
      PARLEY_ASSIGN_OR_RETURN(m.extra, ReadExtra(f.channel_accept().extra()));
      return Message(std::move(m));
    }
    case v1::Frame::kChannelReject: {
      ChannelReject m;
      PARLEY_ASSIGN_OR_RETURN(m.channel, ReadId(f.channel_reject().channel_id()));
      PARLEY_ASSIGN_OR_RETURN(m.reason, ReadReason(f.channel_reject().reason()));
      return Message(std::move(m));
    }
    case v1::Frame::kUpdateProposal: {
      const auto& p = f.update_proposal();
      UpdateProposal m;
      PARLEY_ASSIGN_OR_RETURN(m.channel, ReadId(p.channel_id()));
      PARLEY_ASSIGN_OR_RETURN(m.state, channel::Decode<channel::State>(View(p.state()), "state"));
      PARLEY_ASSIGN_OR_RETURN(m.sig, ReadSig(p.signature()));
      PARLEY_ASSIGN_OR_RETURN(
          m.base, Hash32FromBytes(p.base_state_hash(), "the hash of a proposal's base"));
      PARLEY_ASSIGN_OR_RETURN(m.extra, ReadExtra(p.extra()));
      return Message(std::move(m));
    }
    case v1::Frame::kOffer: {
      const auto& p = f.offer();
      StateOffer m;
      PARLEY_ASSIGN_OR_RETURN(m.channel, ReadId(p.channel_id()));
      PARLEY_ASSIGN_OR_RETURN(m.state, channel::Decode<channel::State>(View(p.state()), "state"));
      PARLEY_ASSIGN_OR_RETURN(m.sig, ReadSig(p.signature()));
      return Message(std::move(m));
    }
    case v1::Frame::kUpdateAccept: {
      const auto& p = f.update_accept();
      UpdateAccept m;
      PARLEY_ASSIGN_OR_RETURN(m.channel, ReadId(p.channel_id()));
      m.version = p.version();
      PARLEY_ASSIGN_OR_RETURN(m.sig, ReadSig(p.signature()));
      PARLEY_ASSIGN_OR_RETURN(m.extra, ReadExtra(p.extra()));
      return Message(std::move(m));
    }
    case v1::Frame::kUpdateReject: {
      const auto& p = f.update_reject();
      UpdateReject m;
      PARLEY_ASSIGN_OR_RETURN(m.channel, ReadId(p.channel_id()));
      m.version = p.version();
      if (p.code() == 0 || p.code() > static_cast<uint32_t>(StatusCode::kInternal)) {
        return Status::InvalidArgument("update reject carries unknown status code " +
                                       std::to_string(p.code()));
      }
      m.code = static_cast<StatusCode>(p.code());
      PARLEY_ASSIGN_OR_RETURN(m.reason, ReadReason(p.reason()));
      PARLEY_ASSIGN_OR_RETURN(m.extra, ReadExtra(p.extra()));
      return Message(std::move(m));
    }
    case v1::Frame::kSync: {
      SyncState m;
      PARLEY_ASSIGN_OR_RETURN(m.channel, ReadId(f.sync().channel_id()));
      PARLEY_ASSIGN_OR_RETURN(m.state, channel::Decode<channel::SignedState>(
                                           View(f.sync().signed_state()), "signed state"));
      PARLEY_ASSIGN_OR_RETURN(m.extra, ReadExtra(f.sync().extra()));
      return Message(std::move(m));
    }
    default:
      return Status::InvalidArgument("frame of type " + std::to_string(f.body_case()) +
                                     " is not a protocol message here");
  }
}

}  // namespace parley::wire
