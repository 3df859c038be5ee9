#include "parley/settlement/evm/transaction.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "parley/crypto/hash.h"
#include "parley/settlement/evm/rlp.h"

namespace parley::settlement::evm {
namespace {

Bytes Hex(std::string_view hex) { return FromHex(hex).value(); }

crypto::EthAddress Address(std::string_view hex) { return crypto::AddressFromHex(hex).value(); }

// --- ethereumjs EIP-1559 vectors ---------------------------------------------
// https://github.com/ethereumjs/ethereumjs-monorepo, packages/tx/test/json/
// eip1559.json at commit 9a9f1eae1ff5b8abfaed11b9ec8e42a91498b987 (from Besu):
// ten transactions on chain 4 to 0x...aaaa with empty data and access list,
// signed by one key. `signedTransactionRLP` there is the raw transaction
// wrapped in an RLP string, as blocks hold it.

constexpr char kVectorKey[] = "8f2a55949038a9610f50fb23b5883af3b4ecb3c3bb792cbcefbd1542c692be63";
constexpr uint64_t kVectorChainId = 4;
constexpr char kVectorTo[] = "0x000000000000000000000000000000000000aaaa";

struct EthereumJsVector {
  uint64_t nonce;
  uint64_t value;
  uint64_t gas_limit;
  uint64_t max_priority_fee_per_gas;
  uint64_t max_fee_per_gas;
  const char* signed_transaction_rlp;
};

const EthereumJsVector kEthereumJsVectors[] = {
    {819, 43203529, 35552, 75853, 121212,
     "b87102f86e048203338301284d8301d97c828ae094000000000000000000000000000000000000aaaa8402933bc9"
     "80c080a00f924cb68412c8f1cfd74d9b581c71eeaf94fff6abdde3e5b02ca6b2931dcf47a07dd1c50027c3e31f8b"
     "565e25ce68a5072110f61fce5eee81b195dd51273c2f83"},
    {353, 61901619, 32593, 38850, 136295,
     "b87002f86d048201618297c283021467827f5194000000000000000000000000000000000000aaaa8403b08b3380"
     "c080a08caf712f72489da6f1a634b651b4b1c7d9be7d1e8d05ea76c1eccee3bdfb86a5a06aecc106f588ce51e112"
     "f5e9ea7aba3e089dc7511718821d0e0cd52f52af4e45"},
    {985, 32531825, 68541, 66377, 136097,
     "b87202f86f048203d983010349830213a183010bbd94000000000000000000000000000000000000aaaa8401f065"
     "7180c001a08c03a86e85789ee9a1b42fa0a86d316fca262694f8c198df11f194678c2c2d35a028f8e7de02b35014"
     "a17b6d28ff8c7e7be6860e7265ac162fb721f1aeae75643c"},
    {623, 21649799, 57725, 74140, 81173,
     "b87102f86e0482026f8301219c83013d1582e17d94000000000000000000000000000000000000aaaa84014a5987"
     "80c001a0b87c4c8c505d2d692ac77ba466547e79dd60fe7ecd303d520bf6e8c7085e3182a06dc7d00f5e68c3f3eb"
     "e8ae35a90d46051afde620ac12e43cae9560a29b13e7fb"},
    {972, 94563383, 65254, 42798, 103466,
     "b87002f86d048203cc82a72e8301942a82fee694000000000000000000000000000000000000aaaa8405a2ec3780"
     "c001a006cf07af78c187db104496c58d679f37fcd2d5790970cecf9a59fe4a5321b375a039f3faafc71479d283a5"
     "b1e66a86b19c4bdc516655d89dbe57d9747747c01dfe"},
    {588, 99359647, 37274, 87890, 130273,
     "b87102f86e0482024c830157528301fce182919a94000000000000000000000000000000000000aaaa8405ec1b9f"
     "80c080a03e2f59ac9ca852034c2c1da35a742ca19fdd910aa5d2ed49ab8ad27a2fcb2b10a03ac1c29c26723c58f9"
     "1400fb6dfb5f5b837467b1c377541b47dae474dddbe469"},
    {900, 30402257, 76053, 8714, 112705,
     "b87102f86e0482038482220a8301b8418301291594000000000000000000000000000000000000aaaa8401cfe6d1"
     "80c001a0f7ffc5bca2512860f8236360159bf303dcfab71546b6a0032df0306f3739d0c4a05d38fe2c4edebdc1ed"
     "c157034f780c53a0e5ae089e57220745bd48bcb10cdf87"},
    {709, 6478043, 28335, 86252, 94636,
     "b87002f86d048202c5830150ec830171ac826eaf94000000000000000000000000000000000000aaaa8362d8db80"
     "c001a0a61a5710512f346c9996377f7b564ccb64c73a5fdb615499adb1250498f3e01aa002d10429572cecfaa911"
     "a58bbe05f2b26e4c3aee3402202153a93692849add11"},
    {939, 2782905, 45047, 45216, 91648,
     "b86f02f86c048203ab82b0a08301660082aff794000000000000000000000000000000000000aaaa832a76b980c0"
     "01a0191f0f6667a20cefc0b454e344cc01108aafbdc4e4e5ed88fdd1b5d108495b31a020879042b0f8d3807609f1"
     "8fe42a9820de53c8a0ea1d0a2d50f8f5e92a94f00d"},
    {119, 65456115, 62341, 24721, 107729,
     "b86e02f86b04778260918301a4d182f38594000000000000000000000000000000000000aaaa8403e6c7f380c001"
     "a05e40977f4064a2bc08785e422ed8a47b56aa219abe93251d2b3b4d0cf937b8c0a071e600cd15589c3607bd9627"
     "314b99e9b5976bd427b774aa685bd0d036b1771e"},
};

Transaction FromVector(const EthereumJsVector& v) {
  Transaction tx;
  tx.chain_id = kVectorChainId;
  tx.nonce = v.nonce;
  tx.max_priority_fee_per_gas = v.max_priority_fee_per_gas;
  tx.max_fee_per_gas = v.max_fee_per_gas;
  tx.gas_limit = v.gas_limit;
  tx.to = Address(kVectorTo);
  tx.value = v.value;
  return tx;
}

// The raw transaction inside the vector's RLP string.
Bytes RawOf(const EthereumJsVector& v) {
  auto wrapper = rlp::Decode(Hex(v.signed_transaction_rlp));
  EXPECT_TRUE(wrapper.ok()) << wrapper.status().ToString();
  return wrapper->bytes();
}

crypto::PrivateKey VectorKey() { return crypto::PrivateKey::FromHex(kVectorKey).value(); }

TEST(TransactionVectorTest, SignsEveryEthereumJsVector) {
  const crypto::PrivateKey key = VectorKey();
  for (const EthereumJsVector& v : kEthereumJsVectors) {
    SCOPED_TRACE(v.nonce);
    SignedTransaction signed_tx = SignTransaction(FromVector(v), key);
    EXPECT_EQ(ToHex(EncodeSignedTransaction(signed_tx)), ToHex(RawOf(v)));
  }
}

TEST(TransactionVectorTest, DecodesEveryEthereumJsVector) {
  const crypto::EthAddress signer = crypto::EthereumAddress(VectorKey().public_key());
  for (const EthereumJsVector& v : kEthereumJsVectors) {
    SCOPED_TRACE(v.nonce);
    auto decoded = DecodeSignedTransaction(RawOf(v));
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    EXPECT_EQ(decoded->signed_transaction.transaction, FromVector(v));
    EXPECT_EQ(decoded->sender, signer);
    EXPECT_EQ(EncodeSignedTransaction(decoded->signed_transaction), RawOf(v));
  }
}

TEST(TransactionVectorTest, EthereumJsFirstVectorHashAndSignature) {
  // packages/tx/test/eip1559.spec.ts at commit
  // 53bd13eb6a580b25e10ad80ee8e74b3ab6132e31: "hash()" and "toJSON()".
  SignedTransaction signed_tx = SignTransaction(FromVector(kEthereumJsVectors[0]), VectorKey());
  EXPECT_EQ(ToHex(TransactionHash(signed_tx)),
            "2e564c87eb4b40e7f469b2eec5aa5d18b0b46a24e8bf0919439cfb0e8fcae446");
  EXPECT_EQ(signed_tx.y_parity, 0);
  EXPECT_EQ(ToHex(signed_tx.r), "0f924cb68412c8f1cfd74d9b581c71eeaf94fff6abdde3e5b02ca6b2931dcf47");
  EXPECT_EQ(ToHex(signed_tx.s), "7dd1c50027c3e31f8b565e25ce68a5072110f61fce5eee81b195dd51273c2f83");
}

// --- A mainnet transaction ---------------------------------------------------
// Ethereum mainnet transaction 0x0ec0b6a2...2ee0, a call with data, as the test
// recover_signer_eip1559 of https://github.com/paradigmxyz/reth
// (crates/primitives/src/transaction/eip1559.rs) and alloy's example
// encode_decode_eip1559 (https://github.com/alloy-rs/examples) state it.

SignedTransaction MainnetTransaction() {
  SignedTransaction signed_tx;
  Transaction& tx = signed_tx.transaction;
  tx.chain_id = 1;
  tx.nonce = 0x42;
  tx.max_priority_fee_per_gas = 0x3b9aca00;
  tx.max_fee_per_gas = 0x4a817c800;
  tx.gas_limit = 44386;
  tx.to = Address("0x6069a6c32cf691f5982febae4faf8a6f3ab2f0f6");
  tx.data = Hex(
      "a22cb4650000000000000000000000005eee75727d804a2b13038928d36f8b188945a57a000000000000000000"
      "0000000000000000000000000000000000000000000000");
  signed_tx.y_parity = 0;
  signed_tx.r =
      FixedFromHex<32>("840cfc572845f5786e702984c2a582528cad4b49b2a10b9db1be7fca90058565").value();
  signed_tx.s =
      FixedFromHex<32>("25e7109ceb98168d95b09b18bbf6b685130e0562f233877d492b94eee0c5b6d1").value();
  return signed_tx;
}

TEST(TransactionMainnetTest, HashAndSender) {
  SignedTransaction signed_tx = MainnetTransaction();
  EXPECT_EQ(ToHex(TransactionHash(signed_tx)),
            "0ec0b6a2df4d87424e5f6ad2a654e27aaeb7dac20ae9e8385cc09087ad532ee0");
  auto sender = RecoverSender(signed_tx);
  ASSERT_TRUE(sender.ok()) << sender.status().ToString();
  EXPECT_EQ(crypto::AddressToHex(*sender), "0xdd6b8b3dc6b7ad97db52f08a275ff4483e024cea");
}

TEST(TransactionMainnetTest, DecodesItsRawEncoding) {
  SignedTransaction signed_tx = MainnetTransaction();
  auto decoded = DecodeSignedTransaction(EncodeSignedTransaction(signed_tx));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->signed_transaction, signed_tx);
  EXPECT_EQ(crypto::AddressToHex(decoded->sender), "0xdd6b8b3dc6b7ad97db52f08a275ff4483e024cea");
}

// --- Round trips ---------------------------------------------------------------

void ExpectRoundTrip(const Transaction& tx, const crypto::PrivateKey& key) {
  SignedTransaction signed_tx = SignTransaction(tx, key);
  Bytes raw = EncodeSignedTransaction(signed_tx);
  ASSERT_EQ(raw[0], kEip1559TransactionType);
  EXPECT_EQ(TransactionHash(signed_tx), crypto::Keccak256(raw));
  auto decoded = DecodeSignedTransaction(raw);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->signed_transaction, signed_tx);
  EXPECT_EQ(decoded->sender, crypto::EthereumAddress(key.public_key()));
}

TEST(TransactionRoundTripTest, ContractCreation) {
  Transaction tx;
  tx.chain_id = 31337;  // anvil
  tx.max_priority_fee_per_gas = 1'000'000'000;
  tx.max_fee_per_gas = 2'000'000'000;
  tx.gas_limit = 3'000'000;
  tx.data = Bytes(3000, 0x60);  // init code longer than 55 bytes: long-form headers
  ExpectRoundTrip(tx, crypto::PrivateKey::Generate());
  EXPECT_FALSE(DecodeSignedTransaction(EncodeSignedTransaction(SignTransaction(tx, VectorKey())))
                   ->signed_transaction.transaction.to.has_value());
}

TEST(TransactionRoundTripTest, ExtremeValues) {
  Transaction tx;
  tx.chain_id = ~uint64_t{0};
  tx.nonce = ~uint64_t{0};
  tx.max_priority_fee_per_gas = ~channel::Amount(0);
  tx.max_fee_per_gas = ~channel::Amount(0);
  tx.gas_limit = ~uint64_t{0};
  tx.to = Address("0xffffffffffffffffffffffffffffffffffffffff");
  tx.value = ~channel::Amount(0);
  tx.data = {0x01};  // a single byte below 0x80 encodes as itself
  ExpectRoundTrip(tx, crypto::PrivateKey::Generate());
  ExpectRoundTrip(Transaction{}, crypto::PrivateKey::Generate());  // every field zero or empty
}

TEST(TransactionRoundTripTest, SignatureWithShortR) {
  // About one signature in 256 has an r below 2^248: RLP drops its leading
  // zero byte. Signing is deterministic, so this search always ends alike.
  const crypto::PrivateKey key = VectorKey();
  Transaction tx = FromVector(kEthereumJsVectors[0]);
  SignedTransaction signed_tx;
  for (tx.nonce = 0; tx.nonce < 4096; ++tx.nonce) {
    signed_tx = SignTransaction(tx, key);
    if (signed_tx.r[0] == 0) break;
  }
  ASSERT_EQ(signed_tx.r[0], 0) << "no short r in 4096 signatures";
  Bytes raw = EncodeSignedTransaction(signed_tx);
  auto fields = rlp::Decode(ByteView(raw).subspan(1));
  ASSERT_TRUE(fields.ok()) << fields.status().ToString();
  EXPECT_LT(fields->items()[10].bytes().size(), 32u);
  ExpectRoundTrip(tx, key);
}

TEST(TransactionSigningHashTest, EveryFieldCounts) {
  Transaction base = FromVector(kEthereumJsVectors[0]);
  const Hash32 base_hash = SigningHash(base);
  std::vector<Transaction> variants(9, base);
  variants[0].chain_id += 1;
  variants[1].nonce += 1;
  variants[2].max_priority_fee_per_gas += 1;
  variants[3].max_fee_per_gas += 1;
  variants[4].gas_limit += 1;
  variants[5].to.reset();
  variants[6].value += 1;
  variants[7].data = {0x00};
  variants[8].to = Address("0x000000000000000000000000000000000000aaab");
  for (size_t i = 0; i < variants.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_NE(SigningHash(variants[i]), base_hash);
  }
}

// --- Bad raw transactions ------------------------------------------------------

// The 12 RLP fields of a valid signed transaction, to spoil one at a time.
std::vector<rlp::Item> ValidFields() {
  auto list = rlp::Decode(ByteView(RawOf(kEthereumJsVectors[0])).subspan(1));
  EXPECT_TRUE(list.ok()) << list.status().ToString();
  return list->items();
}

Bytes RawFromFields(std::vector<rlp::Item> fields) {
  Bytes raw = {kEip1559TransactionType};
  Bytes list = rlp::Encode(rlp::Item::List(std::move(fields)));
  raw.insert(raw.end(), list.begin(), list.end());
  return raw;
}

void ExpectRejected(ByteView raw, std::string_view message_part) {
  auto decoded = DecodeSignedTransaction(raw);
  ASSERT_FALSE(decoded.ok()) << "decoded " << ToHex(raw);
  EXPECT_EQ(decoded.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(decoded.status().message().find(message_part), std::string::npos)
      << decoded.status().message();
}

TEST(TransactionDecodeTest, AcceptsTheUnspoiledFields) {
  EXPECT_TRUE(DecodeSignedTransaction(RawFromFields(ValidFields())).ok());
}

TEST(TransactionDecodeTest, RejectsOtherTypes) {
  ExpectRejected({}, "no bytes");
  Bytes raw = RawOf(kEthereumJsVectors[0]);
  raw[0] = 0x01;  // EIP-2930
  ExpectRejected(raw, "0x01");
  // The signed legacy transaction of the EIP-155 example.
  ExpectRejected(Hex("f86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3"
                     "a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa6362"
                     "76a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83"),
                 "0xf8");
}

TEST(TransactionDecodeTest, RejectsEveryTruncation) {
  Bytes raw = RawOf(kEthereumJsVectors[0]);
  for (size_t size = 1; size < raw.size(); ++size) {
    SCOPED_TRACE(size);
    ExpectRejected(ByteView(raw).first(size), "RLP");
  }
}

TEST(TransactionDecodeTest, RejectsTrailingBytes) {
  Bytes raw = RawOf(kEthereumJsVectors[0]);
  raw.push_back(0x00);
  ExpectRejected(raw, "trailing");
}

TEST(TransactionDecodeTest, RejectsWrongFieldCounts) {
  std::vector<rlp::Item> fields = ValidFields();
  std::vector<rlp::Item> eleven(fields.begin(), fields.end() - 1);
  ExpectRejected(RawFromFields(eleven), "12 fields, got 11");
  fields.push_back(rlp::Item());
  ExpectRejected(RawFromFields(fields), "12 fields, got 13");
  ExpectRejected(Hex("0280"), "got a string");
}

TEST(TransactionDecodeTest, RejectsNonCanonicalIntegers) {
  const char* names[] = {"chain_id", "nonce", "max_priority_fee_per_gas", "max_fee_per_gas",
                         "gas_limit"};
  for (size_t i = 0; i < 5; ++i) {
    SCOPED_TRACE(names[i]);
    std::vector<rlp::Item> fields = ValidFields();
    Bytes padded = {0x00};
    padded.insert(padded.end(), fields[i].bytes().begin(), fields[i].bytes().end());
    fields[i] = rlp::Item::String(padded);
    ExpectRejected(RawFromFields(fields), std::string(names[i]) + ": RLP integer");
  }
  std::vector<rlp::Item> fields = ValidFields();
  fields[6] = rlp::Item::String(Hex("00"));  // value 0 is the empty string
  ExpectRejected(RawFromFields(fields), "value: RLP integer");
}

TEST(TransactionDecodeTest, RejectsIntegersTooLargeForTheirField) {
  std::vector<rlp::Item> fields = ValidFields();
  fields[1] = rlp::Item::String(Hex("010000000000000000"));  // nonce 2^64
  ExpectRejected(RawFromFields(fields), "nonce");
  fields = ValidFields();
  fields[6] = rlp::Item::String(Bytes(33, 0x01));  // value beyond 2^256
  ExpectRejected(RawFromFields(fields), "value");
}

TEST(TransactionDecodeTest, RejectsListsWhereStringsBelong) {
  for (size_t i : {0u, 5u, 6u, 7u, 9u, 10u, 11u}) {
    SCOPED_TRACE(i);
    std::vector<rlp::Item> fields = ValidFields();
    fields[i] = rlp::Item::List({});
    ExpectRejected(RawFromFields(fields), "got a list");
  }
}

TEST(TransactionDecodeTest, RejectsBadRecipient) {
  for (size_t size : {1u, 19u, 21u, 32u}) {
    SCOPED_TRACE(size);
    std::vector<rlp::Item> fields = ValidFields();
    fields[5] = rlp::Item::String(Bytes(size, 0xaa));
    ExpectRejected(RawFromFields(fields), "field to: an address is 20 bytes");
  }
}

TEST(TransactionDecodeTest, RejectsAccessLists) {
  std::vector<rlp::Item> fields = ValidFields();
  fields[8] = rlp::Item();
  ExpectRejected(RawFromFields(fields), "access_list: expected a list");
  // [[address, [slot]]], as EIP-2930 allows.
  fields[8] =
      rlp::Item::List({rlp::Item::List({rlp::Item::String(Bytes(20, 0x01)),
                                        rlp::Item::List({rlp::Item::String(Bytes(32, 0x01))})})});
  ExpectRejected(RawFromFields(fields), "access lists are not supported");
}

TEST(TransactionDecodeTest, RejectsBadYParity) {
  for (uint64_t y : {2u, 27u, 28u, 37u}) {
    SCOPED_TRACE(y);
    std::vector<rlp::Item> fields = ValidFields();
    fields[9] = rlp::Item::Uint(y);
    ExpectRejected(RawFromFields(fields), "y_parity: expected 0 or 1");
  }
}

TEST(TransactionDecodeTest, RejectsBadSignatures) {
  // The curve order n, and n - s of the first vector (the same signature
  // with a high s, which Ethereum refuses since Homestead).
  const char kCurveOrder[] = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";
  const char kHighS[] = "822e3affd83c1ce074a9a1da31975af7999de6c6e0e9b1ba0e3c813ba8fa11be";
  struct Case {
    size_t field;
    rlp::Item item;
    const char* message_part;
  };
  const Case cases[] = {
      {10, rlp::Item(), "recovers no public key"},               // r = 0
      {11, rlp::Item(), "recovers no public key"},               // s = 0
      {10, rlp::Item::String(Hex(kCurveOrder)), "curve order"},  // r = n
      {11, rlp::Item::String(Hex(kCurveOrder)), "curve order"},  // s = n
      {11, rlp::Item::String(Hex(kHighS)), "upper half"},        // s > n/2
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.message_part);
    std::vector<rlp::Item> fields = ValidFields();
    fields[c.field] = c.item;
    Bytes raw = RawFromFields(fields);
    ExpectRejected(raw, c.message_part);
    ExpectRejected(raw, "transaction signature: ");
  }
}

TEST(TransactionDecodeTest, TamperedFieldsChangeTheSender) {
  // A valid signature over other fields recovers some other key: the sender
  // is what a check must compare, not the success of decoding.
  std::vector<rlp::Item> fields = ValidFields();
  fields[1] = rlp::Item::Uint(820);  // nonce
  auto decoded = DecodeSignedTransaction(RawFromFields(fields));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_NE(decoded->sender, crypto::EthereumAddress(VectorKey().public_key()));
}

TEST(TransactionRecoverSenderTest, RejectsBadYParity) {
  SignedTransaction signed_tx = MainnetTransaction();
  signed_tx.y_parity = 2;
  auto sender = RecoverSender(signed_tx);
  ASSERT_FALSE(sender.ok());
  EXPECT_EQ(sender.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace parley::settlement::evm
