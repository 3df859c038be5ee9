// evm_gas: the gas each settlement operation costs on the EVM backend, one
// line per operation, measured from the receipts of real transactions on a
// fresh anvil (docs/benchmarks.md). go-nitro's published figures stand next to
// ours for scale.
#include <cstdio>
#include <functional>
#include <string>

#include "parley/channel/scheme.h"
#include "parley/crypto/random.h"
#include "parley/settlement/evm/deployment.h"
#include "parley/settlement/evm/evm_client.h"
#include "parley/util/must.h"
#include "payment/payment_app.h"
#include "testing/anvil.h"
#include "tictactoe/tictactoe_app.h"

namespace parley::settlement::evm {
namespace {

using channel::Params;
using channel::SignedState;
using channel::State;

constexpr uint64_t kChallenge = 60;  // seconds

// Sums the gas of the transactions sent while an operation runs.
struct GasMeter {
  uint64_t gas = 0;
  int transactions = 0;
  void Add(const Receipt& r) {
    gas += r.gas_used;
    ++transactions;
  }
};

class GasReport {
 public:
  GasReport() {
    Must(anvil_.Start(), "starting anvil");
    chain_ = std::make_unique<EthClient>(Must(EthClient::Open(anvil_.endpoint()), "anvil"));
    // The clock moves only when this program says so.
    Must(chain_->Rpc("anvil_setBlockTimestampInterval", {0}).status(), "freezing block time");
    auto deployer_key = Must(crypto::PrivateKey::FromHex(Anvil::kDevKeys[0].substr(2)), "dev key");
    deployer_ = std::make_unique<TxSender>(*chain_, deployer_key, Anvil::kChainId);
    adjudicator_ = Must(DeployContracts(*deployer_), "deploying the contracts").adjudicator;
    token_ = Must(DeployTestToken(*deployer_, "Parley Test", "PT"), "deploying a token");
    alice_ = Client(alice_key_);
    bob_ = Client(bob_key_);
  }

  void Run() {
    std::printf("%-76s %9s %4s  %s\n", "operation", "gas", "txs", "go-nitro, for scale");
    PaymentChannelInEther();
    CooperativeCloseCallByCall();
    TokenDeposit();
    Dispute();
    DisputeCallByCall();
    ForceMove();
  }

 private:
  std::unique_ptr<EvmClient> Client(const crypto::PrivateKey& key) {
    std::string address = crypto::AddressToHex(crypto::EthereumAddress(key.public_key()));
    Must(chain_->Rpc("anvil_setBalance", {address, "0x3635c9adc5dea00000"}).status(),
         "ether for gas");
    TxOptions tx{.on_receipt = [this](const Receipt& r) { meter_.Add(r); }};
    return Must(EvmClient::Create(*chain_, adjudicator_, key, {.tx = tx}), "client");
  }

  void Measure(const char* label, const char* nitro, const std::function<Status()>& operation) {
    meter_ = {};
    Must(operation(), label);
    std::printf("%-76s %9llu %4d  %s\n", label, static_cast<unsigned long long>(meter_.gas),
                meter_.transactions, nitro);
  }

  Params NewChannel(const char* app) {
    return {.participants = {alice_key_.public_key(), bob_key_.public_key()},
            .nonce = crypto::RandomHash32(),
            .challenge_duration = kChallenge,
            .app = app,
            .backend = "evm"};
  }

  State StateOf(const Params& params, uint64_t version, const std::string& asset, int a, int b) {
    return {.channel_id = alice_->scheme().ComputeChannelId(params),
            .version = version,
            .allocation = {{{asset, {a, b}, {}}}}};
  }

  SignedState SignBy(const State& state, bool alice, bool bob) {
    const channel::SignatureScheme& scheme = alice_->scheme();
    Hash32 hash = scheme.StateHash(state);
    SignedState out{state, {std::nullopt, std::nullopt}};
    if (alice) out.sigs[0] = scheme.Sign(alice_key_, hash);
    if (bob) out.sigs[1] = scheme.Sign(bob_key_, hash);
    return out;
  }

  // A payment channel with 1000 wei from each side.
  Params FundedChannel() {
    Params p = NewChannel(apps::PaymentApp::kId);
    Must(alice_->Deposit(p, 0, "eth", 1000), "deposit");
    Must(bob_->Deposit(p, 1, "eth", 1000), "deposit");
    return p;
  }

  State FinalState(const Params& p) {
    State s = StateOf(p, 7, "eth", 700, 1300);
    s.is_final = true;
    return s;
  }

  void Advance(uint64_t seconds) {
    Block latest = Must(chain_->GetBlock(BlockTag::Latest()), "latest block");
    Must(chain_->SetNextBlockTimestamp(latest.timestamp + seconds), "advancing time");
    Must(chain_->Mine(1), "mining");
  }

  void PaymentChannelInEther() {
    Params p = NewChannel(apps::PaymentApp::kId);
    Measure("deposit, ether (first into a channel)", "fund 46,496",
            [&] { return alice_->Deposit(p, 0, "eth", 1000); });
    Measure("deposit, ether (second participant)", "",
            [&] { return bob_->Deposit(p, 1, "eth", 1000); });
    Measure("cooperative close: concludeFinal pays both", "happy exit 111,514",
            [&] { return alice_->ConcludeAndWithdraw(p, SignBy(FinalState(p), true, true), 0); });
  }

  // What the one-transaction close replaces.
  void CooperativeCloseCallByCall() {
    Params p = FundedChannel();
    SignedState final_state = SignBy(FinalState(p), true, true);
    Measure("cooperative close, call by call: register final + conclude + 2 withdrawals", "",
            [&]() -> Status {
              PARLEY_RETURN_IF_ERROR(alice_->Register(p, final_state));
              PARLEY_RETURN_IF_ERROR(alice_->Conclude(p));
              PARLEY_RETURN_IF_ERROR(alice_->Withdraw(p, 0));
              return alice_->Withdraw(p, 1);
            });
  }

  void TokenDeposit() {
    Params p = NewChannel(apps::PaymentApp::kId);
    Must(MintTestToken(*deployer_, token_, alice_->address(), 1000), "minting");
    Measure("deposit, ERC-20 (approve + deposit)", "",
            [&] { return alice_->Deposit(p, 0, AssetName(token_), 1000); });
  }

  void Dispute() {
    Params p = FundedChannel();
    Measure("register (start a dispute)", "challenge 113,146", [&] {
      return alice_->Register(p, SignBy(StateOf(p, 3, "eth", 900, 1100), true, true));
    });
    SignedState latest = SignBy(StateOf(p, 5, "eth", 800, 1200), true, true);
    Measure("refute (register a higher version)", "checkpoint 73,936",
            [&] { return bob_->Register(p, latest); });
    Advance(kChallenge);
    Measure("conclude after the timeout, paying both (concludeAndWithdrawAll)", "",
            [&] { return bob_->ConcludeAndWithdraw(p, latest, 1); });
  }

  void DisputeCallByCall() {
    Params p = FundedChannel();
    Must(alice_->Register(p, SignBy(StateOf(p, 3, "eth", 900, 1100), true, true)), "register");
    Advance(kChallenge);
    Measure("conclude after the timeout", "", [&] { return bob_->Conclude(p); });
    Measure("withdraw (one participant)", "", [&] { return bob_->Withdraw(p, 1); });
    Must(alice_->Withdraw(p, 0), "withdraw");
  }

  void ForceMove() {
    Params p = NewChannel(apps::TicTacToeApp::kId);
    Must(alice_->Deposit(p, 0, "eth", 500), "deposit");
    Must(bob_->Deposit(p, 1, "eth", 500), "deposit");
    apps::TicTacToeApp game;
    State start = StateOf(p, 0, "eth", 500, 500);
    start.app_data = Bytes(9, 0);
    State x_moved = Must(game.ApplyAction(p, start, 0, apps::TicTacToeApp::MoveAction(4)), "X");
    Must(alice_->Register(p, SignBy(x_moved, true, true)), "register");
    Advance(kChallenge);
    State o_moved = Must(game.ApplyAction(p, x_moved, 1, apps::TicTacToeApp::MoveAction(0)), "O");
    Measure("progress (a tic-tac-toe force-move)", "",
            [&] { return bob_->Progress(p, SignBy(o_moved, false, true), 1); });
    Advance(kChallenge);
    Measure("conclude after a force-move's timeout", "", [&] { return alice_->Conclude(p); });
  }

  Anvil anvil_;
  std::unique_ptr<EthClient> chain_;
  std::unique_ptr<TxSender> deployer_;
  crypto::EthAddress adjudicator_{};
  crypto::EthAddress token_{};
  crypto::PrivateKey alice_key_ = crypto::PrivateKey::Generate();
  crypto::PrivateKey bob_key_ = crypto::PrivateKey::Generate();
  std::unique_ptr<EvmClient> alice_;
  std::unique_ptr<EvmClient> bob_;
  GasMeter meter_;
};

}  // namespace
}  // namespace parley::settlement::evm

int main() {
  parley::settlement::evm::GasReport report;
  report.Run();
  std::printf(
      "(go-nitro's sad exit, challenge to withdrawal: 195,172; ours is register + "
      "concludeAndWithdrawAll)\n");
  return 0;
}
