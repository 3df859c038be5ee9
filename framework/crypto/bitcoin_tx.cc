#include "parley/crypto/bitcoin_tx.h"

#include <algorithm>
#include <string>

#include "parley/crypto/hash.h"

namespace parley::crypto {
namespace {

// Reads the wire encoding front to back; every read checks the bounds and
// names the field it was reading when the input runs out.
class WireReader {
 public:
  explicit WireReader(ByteView in) : in_(in) {}

  Status Read(size_t n, const char* field, ByteView* out) {
    if (in_.size() - pos_ < n) {
      return Status::InvalidArgument("transaction truncated in " + std::string(field) +
                                     " at byte " + std::to_string(pos_));
    }
    *out = in_.subspan(pos_, n);
    pos_ += n;
    return Status::Ok();
  }

  Status Le(size_t width, const char* field, uint64_t* v) {
    ByteView bytes;
    PARLEY_RETURN_IF_ERROR(Read(width, field, &bytes));
    *v = 0;
    for (size_t i = 0; i < width; ++i) *v |= uint64_t{bytes[i]} << (8 * i);
    return Status::Ok();
  }

  Status Le32(const char* field, uint32_t* v) {
    uint64_t wide = 0;
    PARLEY_RETURN_IF_ERROR(Le(4, field, &wide));
    *v = static_cast<uint32_t>(wide);
    return Status::Ok();
  }

  Status CompactSize(const char* field, uint64_t* n) {
    uint64_t first = 0;
    PARLEY_RETURN_IF_ERROR(Le(1, field, &first));
    if (first < 0xfd) {
      *n = first;
      return Status::Ok();
    }
    const size_t width = first == 0xfd ? 2 : first == 0xfe ? 4 : 8;
    PARLEY_RETURN_IF_ERROR(Le(width, field, n));
    // Each value has one encoding: the shortest.
    const uint64_t smallest = width == 2 ? 0xfd : width == 4 ? 0x10000 : 0x100000000;
    if (*n < smallest) {
      return Status::InvalidArgument("non-canonical length in " + std::string(field) + " at byte " +
                                     std::to_string(pos_ - width - 1));
    }
    return Status::Ok();
  }

  Status LengthPrefixed(const char* field, Bytes* out) {
    uint64_t length = 0;
    PARLEY_RETURN_IF_ERROR(CompactSize(field, &length));
    if (length > in_.size() - pos_) {
      return Status::InvalidArgument(std::string(field) + " of " + std::to_string(length) +
                                     " bytes runs past the end of the transaction");
    }
    ByteView bytes;
    PARLEY_RETURN_IF_ERROR(Read(static_cast<size_t>(length), field, &bytes));
    out->assign(bytes.begin(), bytes.end());
    return Status::Ok();
  }

  uint8_t Peek() const { return pos_ < in_.size() ? in_[pos_] : 0xff; }
  size_t remaining() const { return in_.size() - pos_; }

 private:
  ByteView in_;
  size_t pos_ = 0;
};

Status ReadInput(WireReader* reader, TxIn* input) {
  ByteView txid;
  PARLEY_RETURN_IF_ERROR(reader->Read(32, "input prevout txid", &txid));
  std::copy(txid.begin(), txid.end(), input->prevout.txid.begin());
  PARLEY_RETURN_IF_ERROR(reader->Le32("input prevout index", &input->prevout.index));
  PARLEY_RETURN_IF_ERROR(reader->LengthPrefixed("input scriptSig", &input->script_sig));
  return reader->Le32("input sequence", &input->sequence);
}

Status ReadOutput(WireReader* reader, TxOut* output) {
  uint64_t amount = 0;
  PARLEY_RETURN_IF_ERROR(reader->Le(8, "output amount", &amount));
  output->amount_sats = static_cast<int64_t>(amount);
  return reader->LengthPrefixed("output scriptPubKey", &output->script_pubkey);
}

// Each loop iteration below consumes at least one byte or fails, so a huge
// count in hostile input costs no more than the input's own length.
template <typename Item, typename ReadItem>
Status ReadList(WireReader* reader, const char* field, std::vector<Item>* items, ReadItem read) {
  uint64_t count = 0;
  PARLEY_RETURN_IF_ERROR(reader->CompactSize(field, &count));
  if (count > reader->remaining()) {
    return Status::InvalidArgument(std::string(field) + " of " + std::to_string(count) +
                                   " exceeds the bytes left in the transaction");
  }
  items->resize(static_cast<size_t>(count));
  for (Item& item : *items) PARLEY_RETURN_IF_ERROR(read(reader, &item));
  return Status::Ok();
}

Status ReadWitness(WireReader* reader, TxIn* input) {
  return ReadList(reader, "witness item count", &input->witness, [](WireReader* r, Bytes* item) {
    return r->LengthPrefixed("witness item", item);
  });
}

void AppendBody(Bytes* out, const Transaction& tx, bool with_witness) {
  AppendLe32(out, static_cast<uint32_t>(tx.version));
  if (with_witness) {
    out->push_back(0x00);  // marker
    out->push_back(0x01);  // flag
  }
  AppendCompactSize(out, tx.inputs.size());
  for (const TxIn& input : tx.inputs) {
    AppendOutPoint(out, input.prevout);
    AppendWithLength(out, input.script_sig);
    AppendLe32(out, input.sequence);
  }
  AppendCompactSize(out, tx.outputs.size());
  for (const TxOut& output : tx.outputs) AppendTxOut(out, output);
  if (with_witness) {
    for (const TxIn& input : tx.inputs) {
      AppendCompactSize(out, input.witness.size());
      for (const Bytes& item : input.witness) AppendWithLength(out, item);
    }
  }
  AppendLe32(out, tx.lock_time);
}

}  // namespace

bool Transaction::HasWitness() const {
  for (const TxIn& input : inputs) {
    if (!input.witness.empty()) return true;
  }
  return false;
}

void AppendLe32(Bytes* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<uint8_t>(v >> (8 * i)));
}

void AppendLe64(Bytes* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<uint8_t>(v >> (8 * i)));
}

void AppendCompactSize(Bytes* out, uint64_t n) {
  if (n < 0xfd) {
    out->push_back(static_cast<uint8_t>(n));
  } else if (n <= 0xffff) {
    out->push_back(0xfd);
    for (int i = 0; i < 2; ++i) out->push_back(static_cast<uint8_t>(n >> (8 * i)));
  } else if (n <= 0xffffffff) {
    out->push_back(0xfe);
    AppendLe32(out, static_cast<uint32_t>(n));
  } else {
    out->push_back(0xff);
    AppendLe64(out, n);
  }
}

void AppendWithLength(Bytes* out, ByteView bytes) {
  AppendCompactSize(out, bytes.size());
  out->insert(out->end(), bytes.begin(), bytes.end());
}

void AppendOutPoint(Bytes* out, const OutPoint& outpoint) {
  out->insert(out->end(), outpoint.txid.begin(), outpoint.txid.end());
  AppendLe32(out, outpoint.index);
}

void AppendTxOut(Bytes* out, const TxOut& output) {
  AppendLe64(out, static_cast<uint64_t>(output.amount_sats));
  AppendWithLength(out, output.script_pubkey);
}

Bytes SerializeWithoutWitness(const Transaction& tx) {
  Bytes out;
  AppendBody(&out, tx, /*with_witness=*/false);
  return out;
}

Bytes Serialize(const Transaction& tx) {
  Bytes out;
  AppendBody(&out, tx, tx.HasWitness());
  return out;
}

Hash32 Txid(const Transaction& tx) { return Sha256(Sha256(SerializeWithoutWitness(tx))); }

Hash32 Wtxid(const Transaction& tx) { return Sha256(Sha256(Serialize(tx))); }

std::string DisplayHex(const Hash32& txid) {
  Hash32 reversed = txid;
  std::reverse(reversed.begin(), reversed.end());
  return ToHex(reversed);
}

std::string ToString(const OutPoint& outpoint) {
  return DisplayHex(outpoint.txid) + ":" + std::to_string(outpoint.index);
}

Status CheckLockTime(const Transaction& tx, uint64_t block_height) {
  if (tx.lock_time == 0) return Status::Ok();
  bool all_final = std::all_of(tx.inputs.begin(), tx.inputs.end(),
                               [](const TxIn& in) { return in.sequence == kSequenceFinal; });
  if (all_final) return Status::Ok();
  if (tx.lock_time >= kLockTimeThreshold) {
    return Status::InvalidArgument(
        "nLockTime " + std::to_string(tx.lock_time) +
        " is a Unix time, and this chain has block heights only: use a height below " +
        std::to_string(kLockTimeThreshold) + ", or set every input's nSequence to 0xffffffff");
  }
  if (tx.lock_time < block_height) return Status::Ok();
  return Status::FailedPrecondition("nLockTime " + std::to_string(tx.lock_time) +
                                    " is not reached: the transaction may be in block " +
                                    std::to_string(uint64_t{tx.lock_time} + 1) +
                                    " or later, not in block " + std::to_string(block_height));
}

Result<Transaction> ParseTransaction(ByteView bytes) {
  WireReader reader(bytes);
  Transaction tx;
  uint32_t version = 0;
  PARLEY_RETURN_IF_ERROR(reader.Le32("version", &version));
  tx.version = static_cast<int32_t>(version);

  bool with_witness = false;
  if (reader.Peek() == 0x00) {  // BIP144 marker; a legacy tx never has zero inputs
    ByteView marker_and_flag;
    PARLEY_RETURN_IF_ERROR(reader.Read(2, "segwit marker and flag", &marker_and_flag));
    if (marker_and_flag[1] != 0x01) {
      return Status::InvalidArgument("unknown segwit flag " + std::to_string(marker_and_flag[1]) +
                                     " (expected 1)");
    }
    with_witness = true;
  }
  PARLEY_RETURN_IF_ERROR(ReadList(&reader, "input count", &tx.inputs, ReadInput));
  if (tx.inputs.empty()) return Status::InvalidArgument("transaction has no inputs");
  PARLEY_RETURN_IF_ERROR(ReadList(&reader, "output count", &tx.outputs, ReadOutput));
  if (with_witness) {
    for (TxIn& input : tx.inputs) PARLEY_RETURN_IF_ERROR(ReadWitness(&reader, &input));
    // Otherwise the same transaction would have two encodings.
    if (!tx.HasWitness()) {
      return Status::InvalidArgument("segwit encoding with no witness data (use the legacy one)");
    }
  }
  PARLEY_RETURN_IF_ERROR(reader.Le32("lock time", &tx.lock_time));
  if (reader.remaining() != 0) {
    return Status::InvalidArgument(std::to_string(reader.remaining()) +
                                   " trailing bytes after the transaction");
  }
  return tx;
}

Result<Transaction> ParseTransactionHex(std::string_view hex) {
  PARLEY_ASSIGN_OR_RETURN(Bytes bytes, FromHex(hex));
  return ParseTransaction(bytes);
}

}  // namespace parley::crypto
