// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {
    AssetAllocation,
    Params,
    State,
    InvalidArgument,
    PermissionDenied,
    FailedPrecondition,
    MAX_PARTICIPANTS,
    MAX_ASSETS,
    MAX_APP_DATA,
    MAX_CHALLENGE_DURATION
} from "./ParleyTypes.sol";
import {AssetHolder} from "./AssetHolder.sol";
import {IAppRule} from "./IAppRule.sol";
import {Text} from "./Text.sol";

// Disputes, force-moves and conclusion of channels (DESIGN.md §3, the
// timeline in parley/settlement/adjudicator.h), over the funds of AssetHolder.
//
// Only a dispute's fingerprint is stored; the full state travels in calldata
// and in the Registered and Progressed events, from which clients read it back.
// Time is block.timestamp, in seconds.
contract Adjudicator is AssetHolder {
    using Text for uint256;

    struct Dispute {
        bytes32 stateHash; // of the registered or progressed state; 0 after concludeFinal
        uint64 version;
        uint64 timeout; // end of the dispute phase, or of the last move's window; 0: nothing registered
        bool progressing; // a force-move happened
        bool concluded;
        bool holdsEther; // set at conclusion, for the withdrawals
        uint16 withdrawn; // bit i: participant i has withdrawn
    }

    mapping(bytes32 => Dispute) internal disputes;
    mapping(bytes32 => IAppRule) internal rules; // by keccak256 of the app id

    event Registered(bytes32 indexed channelId, uint64 version, uint64 timeout, State state, bytes[] sigs);
    // `sigs` has one entry per participant, all empty but the mover's.
    event Progressed(bytes32 indexed channelId, uint64 version, uint64 timeout, uint256 actor, State state, bytes[] sigs);
    event Concluded(bytes32 indexed channelId, uint64 version);

    // The apps this deployment judges, by id, with their rule contracts.
    constructor(string[] memory apps, IAppRule[] memory appRules) {
        require(apps.length == appRules.length, "one rule contract per app");
        for (uint256 i = 0; i < apps.length; i++) rules[keccak256(bytes(apps[i]))] = appRules[i];
    }

    function channelId(Params calldata params) public view returns (bytes32) {
        return keccak256(abi.encode(block.chainid, address(this), params));
    }

    function stateHash(State calldata state) public pure returns (bytes32) {
        return keccak256(abi.encode(state));
    }

    function dispute(bytes32 id) external view returns (Dispute memory) {
        return disputes[id];
    }

    // Starts a dispute with a state every participant signed, or refutes the
    // registered one with a higher version during the dispute phase (the
    // timeout stays).
    function register(Params calldata params, State calldata state, bytes[] calldata sigs) external {
        bytes32 id = checkedChannelId(params);
        uint256 n = params.participants.length;
        checkState(id, n, state);
        bytes32 hash = stateHash(state);
        checkSignedByAll(params, hash, sigs);
        Dispute storage d = disputes[id];
        if (d.concluded) revert FailedPrecondition("the channel is already concluded");
        if (d.timeout != 0) {
            if (block.timestamp >= d.timeout || d.progressing) {
                revert FailedPrecondition(string.concat("the dispute phase ended at tick ", uint256(d.timeout).decimal(), "; registration is closed"));
            }
            if (state.version <= d.version) {
                revert FailedPrecondition(string.concat("version ", uint256(state.version).decimal(), " is not above the registered version ", uint256(d.version).decimal()));
            }
        } else {
            d.timeout = uint64(block.timestamp) + params.challengeDuration;
        }
        d.stateHash = hash;
        d.version = state.version;
        emit Registered(id, state.version, d.timeout, state, sigs);
    }

    // Force-move: after the dispute phase of a turn-based app, `actor` alone
    // advances the registered state `from` to `to`, which the app's rule
    // accepts. Each move restarts the timeout.
    function progress(Params calldata params, State calldata from, State calldata to, uint256 actor, bytes calldata sig)
        external
    {
        bytes32 id = checkedChannelId(params);
        IAppRule rule = rules[keccak256(bytes(params.app))];
        if (!rule.supportsForceMove()) {
            revert FailedPrecondition(string.concat("app '", params.app, "' is not turn-based: no force-moves"));
        }
        uint256 n = params.participants.length;
        if (actor >= n) revert PermissionDenied(string.concat("participant ", actor.decimal(), " does not exist"));
        checkState(id, n, to);
        bytes32 hash = stateHash(to);
        if (signer(hash, sig) != params.participants[actor]) {
            revert PermissionDenied(string.concat("the mover's signature on version ", uint256(to.version).decimal(), " does not verify"));
        }
        Dispute storage d = disputes[id];
        if (d.concluded) revert FailedPrecondition("the channel is already concluded");
        if (d.timeout == 0) revert FailedPrecondition("register a state before making a force-move");
        if (stateHash(from) != d.stateHash) revert InvalidArgument("`from` is not the state on the ledger");
        uint256 windowEnd = concludableFrom(d, from.isFinal, true, params.challengeDuration);
        if (block.timestamp < d.timeout && !d.progressing) {
            revert FailedPrecondition(string.concat("force-moves start after the dispute phase, at tick ", uint256(d.timeout).decimal()));
        }
        if (block.timestamp >= windowEnd) {
            revert FailedPrecondition(string.concat("the time to move ended at tick ", windowEnd.decimal()));
        }
        if (to.version != from.version + 1) {
            revert FailedPrecondition(string.concat("a force-move must be version ", (uint256(from.version) + 1).decimal()));
        }
        checkConserved(from.allocation, to.allocation);
        rule.validTransition(params, from, to, actor); // reverts with the app's reason
        d.stateHash = hash;
        d.version = to.version;
        d.progressing = true;
        d.timeout = uint64(block.timestamp) + params.challengeDuration;
        bytes[] memory sigs = new bytes[](n);
        sigs[actor] = sig;
        emit Progressed(id, to.version, d.timeout, actor, to, sigs);
    }

    // Fixes the outcome of the registered state `state` once its time is up
    // (at once for a final state); AssetHolder.settle says what it pays.
    function conclude(Params calldata params, State calldata state) external {
        concludeRegistered(params, state);
    }

    // conclude, then pays every participant its share (a Withdrawn event per
    // participant and asset), which saves each a withdrawal.
    function concludeAndWithdrawAll(Params calldata params, State calldata state) external {
        (bytes32 id, Dispute storage d) = concludeRegistered(params, state);
        payEveryone(id, params, d);
    }

    // The cooperative close in one transaction: with nothing registered, a
    // final state every participant signed concludes the channel and pays
    // everyone at once. No state hash is stored (the channel is over); the
    // state is in this call's calldata, from which clients read it back.
    function concludeFinal(Params calldata params, State calldata state, bytes[] calldata sigs) external {
        bytes32 id = checkedChannelId(params);
        uint256 n = params.participants.length;
        checkState(id, n, state);
        if (!state.isFinal) revert InvalidArgument("only a final state concludes at once; register it to start a dispute");
        checkSignedByAll(params, stateHash(state), sigs);
        Dispute storage d = disputes[id];
        if (d.concluded) revert FailedPrecondition("the channel is already concluded");
        if (d.timeout != 0) revert FailedPrecondition("the channel is in dispute; register the final state, then conclude");
        d.version = state.version;
        d.holdsEther = settle(id, n, state.allocation);
        d.concluded = true;
        emit Concluded(id, state.version);
        payEveryone(id, params, d);
    }

    // Pays `participant` its share of the concluded channel. Anyone may call.
    function withdraw(Params calldata params, uint256 participant) external {
        bytes32 id = checkedChannelId(params);
        if (participant >= params.participants.length) {
            revert InvalidArgument(string.concat("the channel has no participant ", participant.decimal()));
        }
        Dispute storage d = disputes[id];
        if (!d.concluded) revert FailedPrecondition("the channel is not concluded yet");
        uint16 bit = uint16(1 << participant);
        if (d.withdrawn & bit != 0) {
            revert FailedPrecondition(string.concat("participant ", participant.decimal(), " has already withdrawn"));
        }
        d.withdrawn |= bit;
        payOut(id, participant, params.participants[participant], d.holdsEther);
    }

    function concludeRegistered(Params calldata params, State calldata state)
        private
        returns (bytes32 id, Dispute storage d)
    {
        id = checkedChannelId(params);
        d = disputes[id];
        if (d.concluded) revert FailedPrecondition("the channel is already concluded");
        if (d.timeout == 0) revert FailedPrecondition("nothing is registered for the channel; register a state first");
        if (stateHash(state) != d.stateHash) revert InvalidArgument("this is not the state on the ledger");
        bool forceMove = rules[keccak256(bytes(params.app))].supportsForceMove();
        uint256 from = concludableFrom(d, state.isFinal, forceMove, params.challengeDuration);
        if (block.timestamp < from) {
            revert FailedPrecondition(string.concat("the channel can be concluded from tick ", from.decimal(), "; it is tick ", block.timestamp.decimal()));
        }
        d.holdsEther = settle(id, params.participants.length, state.allocation);
        d.concluded = true;
        emit Concluded(id, state.version);
    }

    // Pays every participant of the channel just concluded. The flags are set
    // before any transfer, so a participant that calls back finds every share
    // paid.
    function payEveryone(bytes32 id, Params calldata params, Dispute storage d) private {
        uint256 n = params.participants.length;
        d.withdrawn = uint16((1 << n) - 1);
        bool withEther = d.holdsEther;
        for (uint256 i = 0; i < n; i++) payOut(id, i, params.participants[i], withEther);
    }

    function checkSignedByAll(Params calldata params, bytes32 hash, bytes[] calldata sigs) private pure {
        uint256 n = params.participants.length;
        if (sigs.length != n) revert PermissionDenied("one signature per participant is needed");
        for (uint256 i = 0; i < n; i++) {
            if (signer(hash, sigs[i]) != params.participants[i]) {
                revert PermissionDenied(string.concat("the signature of participant ", i.decimal(), " does not verify"));
            }
        }
    }

    function checkedChannelId(Params calldata params) internal view override returns (bytes32) {
        uint256 n = params.participants.length;
        if (n < 2 || n > MAX_PARTICIPANTS) revert InvalidArgument("a channel has 2 to 16 participants");
        for (uint256 i = 0; i < n; i++) {
            if (params.participants[i] == address(0)) revert InvalidArgument("a participant's address is 0");
            for (uint256 j = 0; j < i; j++) {
                if (params.participants[i] == params.participants[j]) revert InvalidArgument("the participants must be distinct");
            }
        }
        if (params.challengeDuration == 0 || params.challengeDuration > MAX_CHALLENGE_DURATION) {
            revert InvalidArgument("the challenge duration must be 1 to 2^32 seconds");
        }
        if (address(rules[keccak256(bytes(params.app))]) == address(0)) {
            revert InvalidArgument(string.concat("this adjudicator has no rules for app '", params.app, "'"));
        }
        return channelId(params);
    }

    // Open until a registration sets the timeout or a cooperative close
    // concludes: both in the dispute's second slot, one storage read.
    function depositsOpen(bytes32 id) internal view override returns (bool) {
        Dispute storage d = disputes[id];
        return d.timeout == 0 && !d.concluded;
    }

    // The state is of this channel and its allocation well formed.
    function checkState(bytes32 id, uint256 n, State calldata state) private pure {
        if (state.channelId != id) revert InvalidArgument("the state is for another channel than these params");
        if (state.appData.length > MAX_APP_DATA) revert InvalidArgument("the state's app data exceeds 65536 bytes");
        AssetAllocation[] calldata assets = state.allocation;
        if (assets.length > MAX_ASSETS) revert InvalidArgument("the state has more than 8 assets");
        for (uint256 a = 0; a < assets.length; a++) {
            if (assets[a].balances.length != n) revert InvalidArgument("every asset needs one balance per participant");
            for (uint256 b = 0; b < a; b++) {
                if (assets[a].asset == assets[b].asset) revert InvalidArgument("an asset appears twice in the allocation");
            }
            assetTotal(assets[a]);
        }
    }

    // `to` holds the same assets in the same order as `from`, with the same totals.
    function checkConserved(AssetAllocation[] calldata from, AssetAllocation[] calldata to) private pure {
        if (from.length != to.length) revert InvalidArgument("a move must keep the channel's assets");
        for (uint256 a = 0; a < from.length; a++) {
            if (from[a].asset != to[a].asset || assetTotal(from[a]) != assetTotal(to[a])) {
                revert InvalidArgument("a move must conserve every asset's total");
            }
        }
    }

    // Balances and locked amounts together; InvalidArgument on overflow.
    function assetTotal(AssetAllocation calldata asset) private pure returns (uint256 sum) {
        unchecked {
            for (uint256 i = 0; i < asset.balances.length; i++) {
                uint256 next = sum + asset.balances[i];
                if (next < sum) revert InvalidArgument("an asset's total overflows");
                sum = next;
            }
            for (uint256 i = 0; i < asset.locked.length; i++) {
                uint256 next = sum + asset.locked[i].amount;
                if (next < sum) revert InvalidArgument("an asset's total overflows");
                sum = next;
            }
        }
    }

    // The time from which the channel may conclude.
    function concludableFrom(Dispute storage d, bool isFinal, bool forceMove, uint64 duration)
        private
        view
        returns (uint256)
    {
        if (isFinal) return 0;
        if (!forceMove || d.progressing) return d.timeout;
        return uint256(d.timeout) + duration; // an unused progress window follows
    }

    // The address that signed `hash`, or 0 for a malformed or high-s signature.
    function signer(bytes32 hash, bytes calldata sig) private pure returns (address) {
        if (sig.length != 65) return address(0);
        bytes32 r = bytes32(sig[0:32]);
        bytes32 s = bytes32(sig[32:64]);
        uint8 v = uint8(sig[64]);
        if (uint256(s) > 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0 || (v != 27 && v != 28)) {
            return address(0);
        }
        return ecrecover(hash, v, r, s);
    }
}
