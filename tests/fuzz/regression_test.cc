// Every seed of the fuzz corpus and every input a fuzzer once found failing
// (tests/fuzz/regressions/<target>/) still passes its target's check.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "fuzz_checks.h"

namespace parley::fuzz {
namespace {

const std::filesystem::path kFuzzDir = PARLEY_FUZZ_DIR;

// The files of tests/fuzz/corpus/<target> and tests/fuzz/regressions/<target>.
std::vector<std::filesystem::path> Inputs(const std::string& target) {
  std::vector<std::filesystem::path> files;
  for (const char* kind : {"corpus", "regressions"}) {
    std::filesystem::path dir = kFuzzDir / kind / target;
    if (!std::filesystem::exists(dir)) continue;
    for (const auto& entry : std::filesystem::directory_iterator(dir))
      files.push_back(entry.path());
  }
  return files;
}

Bytes Read(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

void CheckAll(const std::string& target, Status (*check)(ByteView), size_t at_least) {
  auto files = Inputs(target);
  EXPECT_GE(files.size(), at_least) << "inputs of " << target << " are missing";
  for (const auto& file : files) {
    Status s = check(Read(file));
    EXPECT_TRUE(s.ok()) << file << ": " << s.ToString();
  }
}

TEST(FuzzRegressionTest, ChannelDecode) { CheckAll("channel_decode", CheckChannelDecode, 5); }
TEST(FuzzRegressionTest, BitcoinTx) { CheckAll("bitcoin_tx", CheckBitcoinTx, 2); }
TEST(FuzzRegressionTest, PeerMessage) { CheckAll("peer_message", CheckPeerMessage, 8); }

}  // namespace
}  // namespace parley::fuzz
