// The write-ahead log written over zeros (framework/store/zeroed_wal.h):
// RocksDB's logs are zero-filled ahead of its records, and a killed
// process's log, zeros and all, is read back whole.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "parley/store/store.h"
#include "testing/temp_dir.h"

namespace parley::store {
namespace {

namespace fs = std::filesystem;

// Larger than the zeroing chunk (1 MiB) several times over.
constexpr int kValues = 800;
constexpr size_t kValueSize = 4096;

std::string Key(int i) { return "v" + std::to_string(i); }
Bytes Value(int i) {
  Bytes v(kValueSize);
  for (size_t j = 0; j < v.size(); ++j) v[j] = static_cast<uint8_t>(i * 7 + j);
  return v;
}

// The database's write-ahead logs (RocksDB names them NNNNNN.log).
std::vector<fs::path> Logs(const fs::path& db) {
  std::vector<fs::path> logs;
  for (const auto& entry : fs::directory_iterator(db)) {
    if (entry.path().extension() == ".log") logs.push_back(entry.path());
  }
  return logs;
}

class ZeroedWalTest : public testing::Test {
 protected:
  TempDir dir_{"parley_zeroed_wal_test_"};
  fs::path db_ = dir_.path() / "db";
};

TEST_F(ZeroedWalTest, ASyncedStoresLogIsZeroedAheadOfItsRecords) {
  auto store = OpenRocksDb(db_.string(), {.sync = true});
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_TRUE((*store)->Put("k", Bytes(100, 0xab)).ok());
  std::vector<fs::path> logs = Logs(db_);
  ASSERT_EQ(logs.size(), 1u);
  EXPECT_GE(fs::file_size(logs[0]), 1u << 20) << "the log is not zero-filled ahead";
  std::ifstream in(logs[0], std::ios::binary);
  in.seekg(64 * 1024);
  std::string tail(4096, 'x');
  in.read(tail.data(), static_cast<std::streamsize>(tail.size()));
  EXPECT_EQ(tail, std::string(4096, '\0'));
}

// Past the first chunk too: the zeros end at a chunk's boundary beyond the
// records, so the appends' end is tracked across many writes.
TEST_F(ZeroedWalTest, AnOpenStoresLogIsZeroedAheadAcrossChunks) {
  auto store = OpenRocksDb(db_.string(), {.sync = true});
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  for (int i = 0; i < kValues; ++i) ASSERT_TRUE((*store)->Put(Key(i), Value(i)).ok()) << i;
  std::vector<fs::path> logs = Logs(db_);
  ASSERT_EQ(logs.size(), 1u);
  const uintmax_t size = fs::file_size(logs[0]);
  EXPECT_GT(size, uintmax_t{kValues} * kValueSize);
  EXPECT_EQ(size % (1u << 20), 0u) << "the zeros do not end at a chunk's boundary";
  // One chunk ahead, not one per append.
  EXPECT_LE(size, uintmax_t{kValues} * kValueSize * 2 + 2 * (1u << 20));
}

TEST_F(ZeroedWalTest, AClosedStoresLogIsTrimmedToItsRecords) {
  {
    auto store = OpenRocksDb(db_.string(), {.sync = true});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    ASSERT_TRUE((*store)->Put("k", Bytes(100, 0xab)).ok());
  }
  for (const fs::path& log : Logs(db_)) EXPECT_LT(fs::file_size(log), 1u << 20) << log;
  auto reopened = OpenRocksDb(db_.string(), {.create_if_missing = false});
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ((*reopened)->Get("k").value(), Bytes(100, 0xab));
}

// A child writes past several zeroed chunks, says so through a pipe and is
// killed; its log still has zeros after the last record. Every value is
// read back, and the store goes on: written to and reopened again.
TEST_F(ZeroedWalTest, AKilledWritersLogIsReadBackWholeAcrossChunks) {
  int done[2];
  ASSERT_EQ(pipe(done), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {  // no RocksDB object exists before the fork
    close(done[0]);
    auto store = OpenRocksDb(db_.string(), {.sync = true});
    if (!store.ok()) _exit(10);
    for (int i = 0; i < kValues; ++i) {
      if (!(*store)->Put(Key(i), Value(i)).ok()) _exit(11);
    }
    char byte = 1;
    if (write(done[1], &byte, 1) != 1) _exit(12);
    for (;;) pause();
  }
  close(done[1]);
  char byte = 0;
  ASSERT_EQ(read(done[0], &byte, 1), 1) << "the writer failed";
  close(done[0]);
  kill(child, SIGKILL);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status));

  {
    auto store = OpenRocksDb(db_.string(), {.create_if_missing = false});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    for (int i = 0; i < kValues; ++i) ASSERT_EQ((*store)->Get(Key(i)).value(), Value(i)) << i;
    ASSERT_TRUE((*store)->Put("after", Bytes{1, 2, 3}).ok());
  }
  auto store = OpenRocksDb(db_.string(), {.create_if_missing = false});
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ((*store)->Get("after").value(), (Bytes{1, 2, 3}));
  EXPECT_EQ((*store)->Get(Key(kValues - 1)).value(), Value(kValues - 1));
}

}  // namespace
}  // namespace parley::store
