// BIP327 KeySort, KeyAgg and ApplyTweak.
#include <algorithm>
#include <string>

#include "musig2_internal.h"
#include "parley/crypto/hash.h"

namespace parley::crypto::musig2 {

Status InvalidContribution(std::optional<size_t> signer, std::string_view contrib,
                           const Status& why) {
  std::string from = signer ? "signer " + std::to_string(*signer) : "the nonce aggregator";
  return Status::InvalidArgument("invalid " + std::string(contrib) + " from " + from + ": " +
                                 why.message());
}

std::vector<PlainPublicKey> KeySort(std::vector<PlainPublicKey> keys) {
  std::sort(keys.begin(), keys.end());
  return keys;
}

Hash32 HashKeys(std::span<const PlainPublicKey> keys) {
  Bytes all;
  for (const PlainPublicKey& key : keys) all.insert(all.end(), key.begin(), key.end());
  return TaggedHash("KeyAgg list", all);
}

PlainPublicKey SecondKey(std::span<const PlainPublicKey> keys) {
  for (const PlainPublicKey& key : keys) {
    if (key != keys[0]) return key;
  }
  return PlainPublicKey{};
}

Scalar KeyAggCoefficient(const Hash32& keys_hash, const PlainPublicKey& second_key,
                         const PlainPublicKey& key) {
  if (key == second_key) return Scalar::One();
  Bytes data(keys_hash.begin(), keys_hash.end());
  data.insert(data.end(), key.begin(), key.end());
  return Scalar::Reduce(TaggedHash("KeyAgg coefficient", data));
}

KeyAggValues Unpack(const KeyAggContext& context) {
  // The context only ever holds points it computed itself.
  return KeyAggValues{
      .q = Point::FromCompressed(context.PlainKey()).value(),
      .gacc = context.gacc_is_negative() ? -Scalar::One() : Scalar::One(),
      .tacc = Scalar::FromBytes(context.tacc()).value(),
  };
}

Result<KeyAggContext> KeyAggContext::Create(std::span<const PlainPublicKey> keys) {
  if (keys.empty()) return Status::InvalidArgument("KeyAgg needs at least one public key");
  const Hash32 keys_hash = HashKeys(keys);
  const PlainPublicKey second_key = SecondKey(keys);
  Point q = Point::Infinity();
  for (size_t i = 0; i < keys.size(); ++i) {
    Result<Point> p = Point::FromCompressed(keys[i]);
    if (!p.ok()) return InvalidContribution(i, "pubkey", p.status());
    q = q + *p * KeyAggCoefficient(keys_hash, second_key, keys[i]);
  }
  // The coefficients make a cancelling choice of keys infeasible to find.
  if (q.is_infinity()) return Status::InvalidArgument("the aggregate key is the point at infinity");
  KeyAggContext context;
  context.aggregate_key_ = q.Serialize();
  return context;
}

Result<KeyAggContext> KeyAggContext::Create(std::span<const PlainPublicKey> keys,
                                            std::span<const Tweak> tweaks) {
  PARLEY_ASSIGN_OR_RETURN(KeyAggContext context, Create(keys));
  for (const Tweak& tweak : tweaks) PARLEY_RETURN_IF_ERROR(context.ApplyTweak(tweak));
  return context;
}

Status KeyAggContext::ApplyTweak(const Tweak& tweak) {
  Result<Scalar> t = Scalar::FromBytes(tweak.value);
  if (!t.ok()) return Status::InvalidArgument("the tweak must be less than n");
  KeyAggValues values = Unpack(*this);
  const bool negate = tweak.is_xonly && !values.q.HasEvenY();
  const Scalar g = negate ? -Scalar::One() : Scalar::One();
  const Point tweaked = values.q * g + Point::BaseMul(*t);
  if (tweaked.is_infinity()) {
    return Status::InvalidArgument("the result of tweaking cannot be infinity");
  }
  aggregate_key_ = tweaked.Serialize();
  gacc_is_negative_ = gacc_is_negative_ != negate;
  tacc_ = (*t + g * values.tacc).bytes();
  return Status::Ok();
}

Hash32 KeyAggContext::XOnlyKey() const {
  Hash32 x;
  std::copy(aggregate_key_.begin() + 1, aggregate_key_.end(), x.begin());
  return x;
}

}  // namespace parley::crypto::musig2
