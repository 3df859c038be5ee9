// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

// The channel model of DESIGN.md §2 as the contracts see it (docs/evm.md).
// The C++ side encodes exactly these structs (parley/settlement/evm/evm_scheme.h).

struct Params {
    address[] participants;
    bytes32 nonce;
    uint64 challengeDuration; // seconds of block time
    string app; // the app id, e.g. "payment"
}

struct Locked {
    bytes32 id;
    uint256 amount;
}

struct AssetAllocation {
    address asset; // address(0) is ether; anything else an ERC-20 token
    uint256[] balances; // one per participant
    Locked[] locked;
}

struct State {
    bytes32 channelId;
    uint64 version;
    AssetAllocation[] allocation;
    bytes appData;
    bool isFinal;
}

// Reverts carry one of these, so that a caller can tell a bad signature from
// a bad argument from a call made at the wrong time; the C++ side maps them to
// Status codes of the same names.
error InvalidArgument(string reason);
error PermissionDenied(string reason);
error FailedPrecondition(string reason);

// Limits shared with parley/channel/types.h.
uint256 constant MAX_PARTICIPANTS = 16;
uint256 constant MAX_ASSETS = 8;
uint256 constant MAX_APP_DATA = 64 * 1024;
uint256 constant MAX_CHALLENGE_DURATION = 1 << 32;
