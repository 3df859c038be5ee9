// Taproot key-path spends as the sim ledger's UTXO set validates them
// (BIP341 with BIP340 signatures; no script path).
#pragma once

#include <cstddef>
#include <span>

#include "parley/crypto/bitcoin_tx.h"
#include "parley/util/bytes.h"
#include "parley/util/status.h"

namespace parley::settlement {

// OP_1 OP_PUSHBYTES_32 <32 bytes>: a segwit v1 (taproot) output.
bool IsPayToTaproot(ByteView script_pubkey);

// Checks that input `index` of `tx` spends `spent[index]` (one spent output
// per input, in input order) by the taproot key path: a P2TR output, an empty
// scriptSig, and a witness of one BIP340 signature (64 bytes, or 65 with a
// sighash type other than SIGHASH_DEFAULT) and an optional annex, valid under
// the output key for the BIP341 key-path sighash. InvalidArgument naming the
// input for a spend that is not of that form, PermissionDenied for a
// signature that does not verify.
Status VerifyKeyPathSpend(const crypto::Transaction& tx, std::span<const crypto::TxOut> spent,
                          size_t index);

}  // namespace parley::settlement
