// What the `parley statecoin` commands share: the wallet in --wallet-dir,
// the operator at --operator and the devchain at --chain, opened together;
// the deposit from the devchain's faucet; addresses as text.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "parley/settlement/remote_sim_ledger.h"
#include "parley/settlement/statechain/bitcoin_coin_ledger.h"
#include "parley/settlement/statechain/persistent_wallet.h"
#include "parley/settlement/statechain/remote_operator.h"
#include "parley/store/store.h"

namespace parley::cli {

namespace sc = settlement::statechain;

struct StatecoinOptions {
  std::string operator_address = "127.0.0.1:7950";
  std::string chain = "sim://127.0.0.1:7800";
  std::string wallet_dir = "parley-wallet";
  // The lock-time step between backups, which senders and receivers check:
  // the operator's (GetOperatorInfo) unless --interval overrides it.
  std::optional<uint32_t> interval;
};

// Whether a command sends or receives coins, and so checks backups' lock
// times against the operator's interval. Only those ask the operator for
// it, so that the others (list, address, exit, ...) work while the operator
// is unreachable.
enum class ChecksBackups : bool { kNo, kYes };

// The fee every backup and the withdrawal leave to miners.
inline constexpr int64_t kStatecoinFeeSats = 500;
// The smallest deposit: enough for the backups' and the withdrawal's fee.
inline constexpr int64_t kMinDepositSats = 1'000;

// Everything one command needs, in the order it must be destroyed.
struct StatecoinWallet {
  std::unique_ptr<store::Store> store;
  std::unique_ptr<sc::RemoteOperator> op;
  std::unique_ptr<settlement::RemoteSimLedger> devchain;
  std::unique_ptr<sc::BitcoinCoinLedger> ledger;
  std::unique_ptr<sc::PersistentWallet> wallet;
};

// The devchain at `chain` (sim://HOST:PORT), as every statecoin command
// reaches it; InvalidArgument for anything else. Its account is a throwaway
// key: broadcasting transactions and the faucet need none.
Result<std::unique_ptr<settlement::RemoteSimLedger>> ConnectDevchain(const std::string& chain);

// Broadcasts `backup`, a transaction valid from block `backup.lock_time` on,
// to `devchain`. Before that height: FailedPrecondition with the ledger's
// reason, saying at which height (and in how many blocks) it becomes valid
// and that `again` is what to run then.
Status BroadcastBackup(settlement::RemoteSimLedger& devchain, const crypto::Transaction& backup,
                       const std::string& what, const std::string& again);

// Opens (or creates) the wallet; InvalidArgument for a --chain that is not
// sim://HOST:PORT or an --interval of 0, IoError if the wallet directory is
// locked or unusable, and the operator's error if `checks` and the operator
// cannot say its interval.
Result<std::unique_ptr<StatecoinWallet>> OpenStatecoinWallet(const StatecoinOptions& options,
                                                             ChecksBackups checks);

struct DepositOutcome {
  sc::CoinId coin_id{};
  crypto::OutPoint outpoint;  // the coin's UTXO
  uint32_t lock_time = 0;     // the first backup's
};

// A coin of `amount_sats`: the faucet pays a key of this process, which
// builds the funding transaction to the coin, has the first backup signed,
// and only then broadcasts the funding.
Result<DepositOutcome> DepositFromFaucet(StatecoinWallet& w, int64_t amount_sats);

// "AUTH_KEY_HEX:BACKUP_KEY_HEX", and back (InvalidArgument saying which part
// is wrong).
std::string FormatAddress(const sc::Address& address);
Result<sc::Address> ParseAddress(std::string_view text);

// A coin id: 64 hex digits.
Result<sc::CoinId> ParseCoinId(std::string_view text);

}  // namespace parley::cli
