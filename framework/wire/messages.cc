#include "parley/wire/messages.h"

#include "parley/channel/encoding.h"

namespace parley::wire {
namespace {

struct Encoder {
  Writer& w;
  void operator()(const ChannelProposal& m) {
    channel::Write(w, m.params);
    channel::Write(w, m.initial);
    w.Var(m.sig);
    w.Var(m.extra);
  }
  void operator()(const ChannelAccept& m) {
    w.Fixed(m.channel);
    w.Var(m.sig);
    w.Var(m.extra);
  }
  void operator()(const ChannelReject& m) {
    w.Fixed(m.channel);
    w.String(m.reason);
  }
  void operator()(const UpdateProposal& m) {
    w.Fixed(m.channel);
    channel::Write(w, m.state);
    w.Var(m.sig);
    w.Fixed(m.base);
    w.Var(m.extra);
  }
  void operator()(const UpdateAccept& m) {
    w.Fixed(m.channel);
    w.U64(m.version);
    w.Var(m.sig);
    w.Var(m.extra);
  }
  void operator()(const UpdateReject& m) {
    w.Fixed(m.channel);
    w.U64(m.version);
    w.U8(static_cast<uint8_t>(m.code));
    w.String(m.reason);
    w.Var(m.extra);
  }
  void operator()(const SyncState& m) {
    w.Fixed(m.channel);
    channel::Write(w, m.state);
    w.Var(m.extra);
  }
  void operator()(const StateOffer& m) {
    w.Fixed(m.channel);
    channel::Write(w, m.state);
    w.Var(m.sig);
  }
};

// The backend's extra bytes, which end six of the messages.
Status ReadExtra(Reader& r, Bytes* extra) {
  uint32_t size;
  PARLEY_RETURN_IF_ERROR(r.U32(&size));
  if (size > kMaxExtraSize) {
    return Status::InvalidArgument("a peer message's backend extra of " + std::to_string(size) +
                                   " bytes exceeds the limit of " + std::to_string(kMaxExtraSize));
  }
  return r.Raw(size, extra);
}

Status ReadFields(Reader& r, ChannelProposal* m) {
  PARLEY_RETURN_IF_ERROR(channel::Read(r, &m->params));
  PARLEY_RETURN_IF_ERROR(channel::Read(r, &m->initial));
  PARLEY_RETURN_IF_ERROR(r.Var(channel::kMaxSignatureSize, &m->sig));
  return ReadExtra(r, &m->extra);
}
Status ReadFields(Reader& r, ChannelAccept* m) {
  PARLEY_RETURN_IF_ERROR(r.Fixed(&m->channel));
  PARLEY_RETURN_IF_ERROR(r.Var(channel::kMaxSignatureSize, &m->sig));
  return ReadExtra(r, &m->extra);
}
Status ReadFields(Reader& r, ChannelReject* m) {
  PARLEY_RETURN_IF_ERROR(r.Fixed(&m->channel));
  return r.String(kMaxReasonLength, &m->reason);
}
Status ReadFields(Reader& r, UpdateProposal* m) {
  PARLEY_RETURN_IF_ERROR(r.Fixed(&m->channel));
  PARLEY_RETURN_IF_ERROR(channel::Read(r, &m->state));
  PARLEY_RETURN_IF_ERROR(r.Var(channel::kMaxSignatureSize, &m->sig));
  PARLEY_RETURN_IF_ERROR(r.Fixed(&m->base));
  return ReadExtra(r, &m->extra);
}
Status ReadFields(Reader& r, UpdateAccept* m) {
  PARLEY_RETURN_IF_ERROR(r.Fixed(&m->channel));
  PARLEY_RETURN_IF_ERROR(r.U64(&m->version));
  PARLEY_RETURN_IF_ERROR(r.Var(channel::kMaxSignatureSize, &m->sig));
  return ReadExtra(r, &m->extra);
}
Status ReadFields(Reader& r, UpdateReject* m) {
  PARLEY_RETURN_IF_ERROR(r.Fixed(&m->channel));
  PARLEY_RETURN_IF_ERROR(r.U64(&m->version));
  uint8_t code;
  PARLEY_RETURN_IF_ERROR(r.U8(&code));
  if (code == 0 || code > static_cast<uint8_t>(StatusCode::kInternal)) {
    return Status::InvalidArgument("update reject carries unknown status code " +
                                   std::to_string(code));
  }
  m->code = static_cast<StatusCode>(code);
  PARLEY_RETURN_IF_ERROR(r.String(kMaxReasonLength, &m->reason));
  return ReadExtra(r, &m->extra);
}

Status ReadFields(Reader& r, StateOffer* m) {
  PARLEY_RETURN_IF_ERROR(r.Fixed(&m->channel));
  PARLEY_RETURN_IF_ERROR(channel::Read(r, &m->state));
  return r.Var(channel::kMaxSignatureSize, &m->sig);
}

Status ReadFields(Reader& r, SyncState* m) {
  PARLEY_RETURN_IF_ERROR(r.Fixed(&m->channel));
  PARLEY_RETURN_IF_ERROR(channel::Read(r, &m->state));
  return ReadExtra(r, &m->extra);
}

// Decodes the alternative of Message with index I.
template <size_t I>
Result<Message> DecodeAs(Reader& r) {
  std::variant_alternative_t<I, Message> m;
  PARLEY_RETURN_IF_ERROR(ReadFields(r, &m));
  PARLEY_RETURN_IF_ERROR(r.Finish());
  return Message(std::move(m));
}

template <size_t... I>
Result<Message> DecodeTag(uint8_t tag, Reader& r, std::index_sequence<I...>) {
  using Decoder = Result<Message> (*)(Reader&);
  static constexpr Decoder kDecoders[] = {&DecodeAs<I>...};
  if (tag >= sizeof...(I)) {
    return Status::InvalidArgument("unknown peer message type " + std::to_string(tag));
  }
  return kDecoders[tag](r);
}

}  // namespace

const channel::ChannelId& ChannelOf(const Message& message) {
  return std::visit(
      [](const auto& m) -> const channel::ChannelId& {
        if constexpr (std::is_same_v<std::decay_t<decltype(m)>, ChannelProposal>) {
          return m.initial.channel_id;
        } else {
          return m.channel;
        }
      },
      message);
}

Bytes EncodeMessage(const Message& message) {
  Writer w;
  w.U8(static_cast<uint8_t>(message.index()));
  std::visit(Encoder{w}, message);
  return w.Take();
}

Result<Message> DecodeMessage(ByteView bytes) {
  if (bytes.size() > kMaxMessageSize) {
    return Status::InvalidArgument("peer message of " + std::to_string(bytes.size()) +
                                   " bytes exceeds the limit of " +
                                   std::to_string(kMaxMessageSize));
  }
  Reader r(bytes, "peer message");
  uint8_t tag;
  PARLEY_RETURN_IF_ERROR(r.U8(&tag));
  return DecodeTag(tag, r, std::make_index_sequence<std::variant_size_v<Message>>());
}

}  // namespace parley::wire
