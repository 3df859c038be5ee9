// The conformance suite for parley::store::Store (DESIGN.md §1): every
// implementation runs the same tests. To add an implementation, add one line
// to kStoreFactories below. Tests that only make sense for one implementation
// (reopening a RocksDB directory, its lock) follow the shared suite.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <ostream>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "parley/store/store.h"
#include "testing/status_matchers.h"  // prints StatusCode by name
#include "testing/temp_dir.h"

namespace parley::store {
namespace {

namespace fs = std::filesystem;

Bytes B(std::string_view s) { return Bytes(s.begin(), s.end()); }

// How a test makes a fresh, empty store. `dir` is an empty directory the
// store may use; it outlives the store.
struct StoreFactory {
  const char* name;
  std::unique_ptr<Store> (*make)(const fs::path& dir);
};

// Shown as the test's parameter ("GetParam() = RocksDb"), not as bytes.
void PrintTo(const StoreFactory& factory, std::ostream* os) { *os << factory.name; }

std::unique_ptr<Store> MakeMemory(const fs::path& /*dir*/) { return NewMemoryStore(); }

std::unique_ptr<Store> MakeRocksDb(const fs::path& dir) {
  auto store = OpenRocksDb((dir / "db").string());
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  if (!store.ok()) return nullptr;
  return std::move(store).value();
}

// Every Store implementation. One line per implementation.
const StoreFactory kStoreFactories[] = {
    {"Memory", &MakeMemory},
    {"RocksDb", &MakeRocksDb},
};

class StoreConformanceTest : public testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override {
    store_ = GetParam().make(dir_.path());
    ASSERT_NE(store_, nullptr);
  }
  void TearDown() override { store_.reset(); }  // before dir_ is removed

  // Every (key, value) that Scan(prefix) visits, in visiting order.
  std::vector<std::pair<std::string, Bytes>> ScanAll(std::string_view prefix) {
    std::vector<std::pair<std::string, Bytes>> out;
    Status s = store_->Scan(prefix, [&](std::string_view key, ByteView value) {
      out.emplace_back(std::string(key), Bytes(value.begin(), value.end()));
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }

  std::vector<std::string> ScanKeys(std::string_view prefix) {
    std::vector<std::string> keys;
    for (auto& [key, value] : ScanAll(prefix)) keys.push_back(key);
    return keys;
  }

  void ExpectValue(std::string_view key, const Bytes& want) {
    auto got = store_->Get(key);
    ASSERT_TRUE(got.ok()) << "key '" << key << "': " << got.status().ToString();
    EXPECT_EQ(*got, want) << "key '" << key << "'";
  }

  void ExpectAbsent(std::string_view key) {
    auto got = store_->Get(key);
    ASSERT_FALSE(got.ok()) << "key '" << key << "' unexpectedly present";
    EXPECT_EQ(got.status().code(), StatusCode::kNotFound) << got.status().ToString();
  }

  TempDir dir_{"parley_store_test_"};
  std::unique_ptr<Store> store_;
};

TEST_P(StoreConformanceTest, GetOfMissingKeyIsNotFound) {
  ExpectAbsent("missing");
  ExpectAbsent("");
}

TEST_P(StoreConformanceTest, PutThenGetReturnsTheValue) {
  ASSERT_TRUE(store_->Put("alpha", B("one")).ok());
  ASSERT_TRUE(store_->Put("beta", B("two")).ok());
  ExpectValue("alpha", B("one"));
  ExpectValue("beta", B("two"));
  ExpectAbsent("alph");
  ExpectAbsent("alphaa");
}

TEST_P(StoreConformanceTest, EmptyValueIsStoredAndDistinctFromMissing) {
  ASSERT_TRUE(store_->Put("empty", Bytes{}).ok());
  ExpectValue("empty", Bytes{});
  EXPECT_EQ(ScanKeys("empty"), std::vector<std::string>{"empty"});
}

TEST_P(StoreConformanceTest, BinaryValuesWithNulsRoundTrip) {
  Bytes all_bytes;
  for (int i = 0; i < 256; ++i) all_bytes.push_back(static_cast<uint8_t>(i));
  Bytes nuls = {0x00, 0x00, 0x01, 0x00, 0xff, 0x00};
  ASSERT_TRUE(store_->Put("all", all_bytes).ok());
  ASSERT_TRUE(store_->Put("nuls", nuls).ok());
  ExpectValue("all", all_bytes);
  ExpectValue("nuls", nuls);
}

TEST_P(StoreConformanceTest, KeysWithNulsAreDistinct) {
  const std::string with_nul("k\0ey", 4);
  ASSERT_TRUE(store_->Put(with_nul, B("nul")).ok());
  ExpectValue(with_nul, B("nul"));
  ExpectAbsent("k");
  ExpectAbsent("key");
}

TEST_P(StoreConformanceTest, PutOverwrites) {
  ASSERT_TRUE(store_->Put("key", B("first value, longer")).ok());
  ASSERT_TRUE(store_->Put("key", B("second")).ok());
  ExpectValue("key", B("second"));
  EXPECT_EQ(ScanKeys("key"), std::vector<std::string>{"key"});
}

TEST_P(StoreConformanceTest, DeleteRemovesOnlyThatKey) {
  ASSERT_TRUE(store_->Put("a", B("1")).ok());
  ASSERT_TRUE(store_->Put("b", B("2")).ok());
  WriteBatch batch;
  batch.Delete("a");
  ASSERT_TRUE(store_->Write(batch).ok());
  ExpectAbsent("a");
  ExpectValue("b", B("2"));
  EXPECT_EQ(ScanKeys(""), std::vector<std::string>{"b"});
}

TEST_P(StoreConformanceTest, DeleteOfMissingKeyIsOk) {
  WriteBatch batch;
  batch.Delete("never-written");
  EXPECT_TRUE(store_->Write(batch).ok());
  ExpectAbsent("never-written");
}

TEST_P(StoreConformanceTest, EmptyBatchIsOkAndChangesNothing) {
  ASSERT_TRUE(store_->Put("a", B("1")).ok());
  WriteBatch batch;
  ASSERT_TRUE(batch.empty());
  EXPECT_TRUE(store_->Write(batch).ok());
  ExpectValue("a", B("1"));
}

TEST_P(StoreConformanceTest, BatchAppliesEveryOpInOrder) {
  ASSERT_TRUE(store_->Put("existing", B("old")).ok());
  ASSERT_TRUE(store_->Put("doomed", B("x")).ok());

  WriteBatch batch;
  batch.Put("a", B("1"));
  batch.Put("b", B("2"));
  batch.Put("a", B("3"));           // a later put of the same key wins
  batch.Put("transient", B("t"));   // put, then deleted in the same batch
  batch.Delete("transient");        //   => absent
  batch.Delete("revived");          // deleted, then put in the same batch
  batch.Put("revived", B("back"));  //   => present
  batch.Delete("doomed");
  batch.Put("existing", B("new"));
  ASSERT_FALSE(batch.empty());
  ASSERT_TRUE(store_->Write(batch).ok());

  ExpectValue("a", B("3"));
  ExpectValue("b", B("2"));
  ExpectAbsent("transient");
  ExpectValue("revived", B("back"));
  ExpectAbsent("doomed");
  ExpectValue("existing", B("new"));
  EXPECT_EQ(ScanKeys(""), (std::vector<std::string>{"a", "b", "existing", "revived"}));
}

class ScanTest : public StoreConformanceTest {
 protected:
  void SetUp() override {
    StoreConformanceTest::SetUp();
    // Written out of order, in one batch and in single puts.
    WriteBatch batch;
    for (const char* key : {"b", "ab", "a/2", "a0"}) batch.Put(key, B(std::string("v:") + key));
    ASSERT_TRUE(store_->Write(batch).ok());
    for (const char* key : {"a/10", "a", "a/1", "c"}) {
      ASSERT_TRUE(store_->Put(key, B(std::string("v:") + key)).ok());
    }
  }
};

TEST_P(ScanTest, VisitsExactlyThePrefixedKeysInOrderWithTheirValues) {
  auto got = ScanAll("a/");
  // "a/1" < "a/10" < "a/2" bytewise; "a", "a0", "ab", "b", "c" are outside.
  std::vector<std::pair<std::string, Bytes>> want = {
      {"a/1", B("v:a/1")}, {"a/10", B("v:a/10")}, {"a/2", B("v:a/2")}};
  EXPECT_EQ(got, want);
}

TEST_P(ScanTest, PrefixIncludesTheKeyEqualToIt) {
  EXPECT_EQ(ScanKeys("a"), (std::vector<std::string>{"a", "a/1", "a/10", "a/2", "a0", "ab"}));
  EXPECT_EQ(ScanKeys("b"), std::vector<std::string>{"b"});
  EXPECT_EQ(ScanKeys("ab"), std::vector<std::string>{"ab"});
}

TEST_P(ScanTest, EmptyPrefixVisitsEveryKeyInOrder) {
  EXPECT_EQ(ScanKeys(""),
            (std::vector<std::string>{"a", "a/1", "a/10", "a/2", "a0", "ab", "b", "c"}));
}

TEST_P(ScanTest, PrefixWithNoKeysVisitsNothing) {
  EXPECT_TRUE(ScanKeys("a/3").empty());
  EXPECT_TRUE(ScanKeys("aa").empty());
  EXPECT_TRUE(ScanKeys("d").empty());  // past the last key
  EXPECT_TRUE(ScanKeys("0").empty());  // before the first key
}

TEST_P(ScanTest, DoesNotSeeDeletedKeys) {
  WriteBatch batch;
  batch.Delete("a/10");
  ASSERT_TRUE(store_->Write(batch).ok());
  EXPECT_EQ(ScanKeys("a/"), (std::vector<std::string>{"a/1", "a/2"}));
}

// Keys order as unsigned bytes: 0x01 < '0' < 0x7f < 0x80 < 0xff.
TEST_P(StoreConformanceTest, ScanOrdersKeysAsUnsignedBytes) {
  const std::vector<std::string> sorted = {std::string("p/\x01", 3),
                                           "p/0",
                                           "p/\x7f",
                                           std::string("p/\x80", 3),
                                           std::string("p/\xff", 3),
                                           std::string("p/\xff\x00", 4)};
  std::vector<std::string> shuffled = sorted;
  std::mt19937 rng(7);
  std::shuffle(shuffled.begin(), shuffled.end(), rng);
  for (const auto& key : shuffled) ASSERT_TRUE(store_->Put(key, B(key)).ok());
  ASSERT_TRUE(store_->Put("q", B("outside")).ok());
  EXPECT_EQ(ScanKeys("p/"), sorted);
}

TEST_P(StoreConformanceTest, ManyKeys) {
  constexpr int kCount = 1000;
  std::vector<int> order(kCount);
  for (int i = 0; i < kCount; ++i) order[i] = i;
  std::mt19937 rng(42);
  std::shuffle(order.begin(), order.end(), rng);

  auto key = [](int i) {
    char buf[16];
    snprintf(buf, sizeof buf, "many/%04d", i);
    return std::string(buf);
  };
  auto value = [](int i) {
    Bytes v(static_cast<size_t>(i % 37), static_cast<uint8_t>(i));
    v.push_back(static_cast<uint8_t>(i >> 8));
    return v;
  };

  // Half in one batch, half in single puts, in a shuffled order.
  WriteBatch batch;
  for (int k = 0; k < kCount / 2; ++k) batch.Put(key(order[k]), value(order[k]));
  ASSERT_TRUE(store_->Write(batch).ok());
  for (int k = kCount / 2; k < kCount; ++k) {
    ASSERT_TRUE(store_->Put(key(order[k]), value(order[k])).ok());
  }
  ASSERT_TRUE(store_->Put("other", B("x")).ok());

  for (int i = 0; i < kCount; ++i) ExpectValue(key(i), value(i));
  auto all = ScanAll("many/");
  ASSERT_EQ(all.size(), static_cast<size_t>(kCount));
  for (int i = 0; i < kCount; ++i) {
    EXPECT_EQ(all[i].first, key(i));
    EXPECT_EQ(all[i].second, value(i));
  }

  // Delete the odd ones in one batch.
  WriteBatch deletes;
  for (int i = 1; i < kCount; i += 2) deletes.Delete(key(i));
  ASSERT_TRUE(store_->Write(deletes).ok());
  auto evens = ScanKeys("many/");
  ASSERT_EQ(evens.size(), static_cast<size_t>(kCount / 2));
  for (int k = 0; k < kCount / 2; ++k) EXPECT_EQ(evens[k], key(2 * k));
  ExpectAbsent(key(1));
  ExpectValue(key(998), value(998));
}

// "Implementations are thread-safe": writers on several threads lose nothing.
TEST_P(StoreConformanceTest, ConcurrentWritersLoseNothing) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 50;
  std::vector<std::thread> threads;
  std::vector<int> failures(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, t, &failures] {
      for (int i = 0; i < kPerThread; ++i) {
        std::string key = "t" + std::to_string(t) + "/" + std::to_string(i);
        if (!store_->Put(key, B(key)).ok()) ++failures[t];
        if (!store_->Get(key).ok()) ++failures[t];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(failures[t], 0) << "thread " << t;
  EXPECT_EQ(ScanKeys("t").size(), static_cast<size_t>(kThreads * kPerThread));
  ExpectValue("t3/49", B("t3/49"));
}

std::string FactoryName(const testing::TestParamInfo<StoreFactory>& info) {
  return info.param.name;
}

INSTANTIATE_TEST_SUITE_P(AllStores, StoreConformanceTest, testing::ValuesIn(kStoreFactories),
                         FactoryName);
INSTANTIATE_TEST_SUITE_P(AllStores, ScanTest, testing::ValuesIn(kStoreFactories), FactoryName);

// ---- RocksDB only ----------------------------------------------------------

class RocksDbStoreTest : public testing::Test {
 protected:
  std::string DbPath() const { return (dir_.path() / "db").string(); }

  TempDir dir_{"parley_store_test_"};
};

TEST_F(RocksDbStoreTest, ReopeningKeepsData) {
  {
    auto store = OpenRocksDb(DbPath());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    ASSERT_TRUE((*store)->Put("kept", B("value")).ok());
    ASSERT_TRUE((*store)->Put("binary", Bytes{0, 1, 0, 255}).ok());
    ASSERT_TRUE((*store)->Put("deleted", B("gone")).ok());
    WriteBatch batch;
    batch.Delete("deleted");
    batch.Put("kept", B("value 2"));
    ASSERT_TRUE((*store)->Write(batch).ok());
  }  // closed

  auto store = OpenRocksDb(DbPath(), RocksDbOptions{.create_if_missing = false});
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto kept = (*store)->Get("kept");
  ASSERT_TRUE(kept.ok()) << kept.status().ToString();
  EXPECT_EQ(*kept, B("value 2"));
  auto binary = (*store)->Get("binary");
  ASSERT_TRUE(binary.ok()) << binary.status().ToString();
  EXPECT_EQ(*binary, (Bytes{0, 1, 0, 255}));
  EXPECT_EQ((*store)->Get("deleted").status().code(), StatusCode::kNotFound);
}

TEST_F(RocksDbStoreTest, ReopeningWithSyncOffKeepsData) {
  RocksDbOptions no_sync{.sync = false};
  {
    auto store = OpenRocksDb(DbPath(), no_sync);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    ASSERT_TRUE((*store)->Put("k", B("v")).ok());
  }
  auto store = OpenRocksDb(DbPath(), no_sync);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto got = (*store)->Get("k");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, B("v"));
}

TEST_F(RocksDbStoreTest, SecondOpenOfAHeldDirectoryIsIoError) {
  auto first = OpenRocksDb(DbPath());
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE((*first)->Put("k", B("v")).ok());

  auto second = OpenRocksDb(DbPath());
  ASSERT_FALSE(second.ok()) << "a second store opened a directory that is in use";
  EXPECT_EQ(second.status().code(), StatusCode::kIoError) << second.status().ToString();
  EXPECT_NE(second.status().message().find(DbPath()), std::string::npos)
      << "the message should name the directory: " << second.status().message();

  // The first store is unharmed, and once it is closed the directory opens.
  auto got = (*first)->Get("k");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, B("v"));
  first->reset();  // closes the first store
  auto third = OpenRocksDb(DbPath());
  ASSERT_TRUE(third.ok()) << third.status().ToString();
  EXPECT_TRUE((*third)->Get("k").ok());
}

TEST_F(RocksDbStoreTest, NoCreateOnEmptyDirectoryFails) {
  // dir_ exists and is empty: there is no database in it.
  auto store = OpenRocksDb(dir_.path().string(), RocksDbOptions{.create_if_missing = false});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kIoError) << store.status().ToString();
  EXPECT_FALSE(store.status().message().empty());
}

TEST_F(RocksDbStoreTest, NoCreateOnMissingDirectoryFails) {
  auto store = OpenRocksDb(DbPath(), RocksDbOptions{.create_if_missing = false});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kIoError) << store.status().ToString();
}

TEST_F(RocksDbStoreTest, PathThatIsAFileFails) {
  const fs::path file = dir_.path() / "plain_file";
  std::ofstream(file) << "not a database";
  auto store = OpenRocksDb(file.string());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kIoError) << store.status().ToString();
}

}  // namespace
}  // namespace parley::store
