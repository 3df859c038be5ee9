// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {
    AssetAllocation, Params, InvalidArgument, FailedPrecondition, MAX_ASSETS
} from "./ParleyTypes.sol";
import {Text} from "./Text.sol";

interface IERC20Balance {
    function balanceOf(address account) external view returns (uint256);
}

// Holds what channels are funded with, ether and ERC-20 tokens, and pays it
// out once the Adjudicator has concluded a channel (DESIGN.md §3).
//
// Before a channel concludes, holdings[id][asset][i] is what participant i
// has deposited; conclusion replaces it by what i is paid, and a withdrawal
// sets it to 0. Ether is asset address(0). Tokens that take a fee on transfer
// or change balances on their own are not supported: holdings count what was
// sent, not what arrived.
abstract contract AssetHolder {
    using Text for uint256;

    mapping(bytes32 => mapping(address => mapping(uint256 => uint256))) internal holdings;
    // The tokens deposited into each channel, in the order of their first
    // deposit. Ether is not listed: a channel holds ether if any participant's
    // ether holding is not 0 (which saves a storage slot on every ether channel).
    mapping(bytes32 => address[]) internal tokensOf;

    event Deposited(bytes32 indexed channelId, uint256 participant, address asset, uint256 amount);
    event Withdrawn(bytes32 indexed channelId, uint256 participant, address asset, uint256 amount);

    // The id of a well-formed channel of a known app; reverts otherwise.
    function checkedChannelId(Params calldata params) internal view virtual returns (bytes32);
    // False once the channel is in dispute or concluded.
    function depositsOpen(bytes32 channelId) internal view virtual returns (bool);

    // Credits `amount` of `asset` to `participant` of the channel, paid by
    // the caller: ether as the call's value; a token by transferFrom, which
    // the caller must have approved.
    function deposit(Params calldata params, uint256 participant, address asset, uint256 amount)
        external
        payable
    {
        bytes32 id = checkedChannelId(params);
        uint256 n = params.participants.length;
        if (participant >= n) revert InvalidArgument(string.concat("the channel has no participant ", participant.decimal()));
        if (amount == 0) revert InvalidArgument("a deposit of 0 moves nothing");
        if (!depositsOpen(id)) revert FailedPrecondition("the channel is in dispute or concluded; deposits are closed");
        if (asset == address(0)) {
            if (msg.value != amount) revert InvalidArgument("send exactly the deposited amount of ether as the value");
            if (tokensOf[id].length >= MAX_ASSETS && !holdsEther(id, n)) revert InvalidArgument(tooManyAssets());
        } else {
            if (msg.value != 0) revert InvalidArgument("a token deposit carries no ether");
            noteToken(id, n, asset);
            uint256 balance = IERC20Balance(asset).balanceOf(msg.sender);
            if (balance < amount) {
                revert FailedPrecondition(string.concat("the account holds ", balance.decimal(), " of the token, not the ", amount.decimal(), " to deposit"));
            }
        }
        // Effects before the token is called, so that a token calling back finds them done.
        holdings[id][asset][participant] += amount;
        emit Deposited(id, participant, asset, amount);
        if (asset != address(0)) {
            callToken(asset, abi.encodeWithSignature("transferFrom(address,address,uint256)", msg.sender, address(this), amount));
        }
    }

    // Each participant's holding of `asset` in the channel (see above).
    function deposits(Params calldata params, address asset) external view returns (uint256[] memory out) {
        bytes32 id = checkedChannelId(params);
        out = new uint256[](params.participants.length);
        for (uint256 i = 0; i < out.length; i++) out[i] = holdings[id][asset][i];
    }

    // Replaces the deposits by the outcome of a channel concluded with
    // `allocation`: the allocation when the channel holds every asset's total,
    // with any excess returned in proportion to the deposits (the remainder
    // of the division to participant 0); every deposit back otherwise. Returns
    // whether the channel holds ether.
    function settle(bytes32 id, uint256 n, AssetAllocation[] calldata allocation) internal returns (bool withEther) {
        bool funded = true;
        for (uint256 a = 0; a < allocation.length; a++) {
            if (allocation[a].locked.length != 0) {
                revert FailedPrecondition("the state has locked amounts; settling sub-channels is not supported by this version");
            }
            if (held(id, allocation[a].asset, n) < total(allocation[a].balances)) funded = false;
        }
        withEther = holdsEther(id, n);
        if (!funded) return withEther;
        if (withEther) settleAsset(id, n, address(0), allocation);
        address[] storage tokens = tokensOf[id];
        for (uint256 t = 0; t < tokens.length; t++) settleAsset(id, n, tokens[t], allocation);
    }

    // Pays `participant` of a concluded channel everything it holds there.
    function payOut(bytes32 id, uint256 participant, address to, bool withEther) internal {
        if (withEther) payAsset(id, participant, address(0), to);
        address[] storage tokens = tokensOf[id];
        for (uint256 t = 0; t < tokens.length; t++) payAsset(id, participant, tokens[t], to);
    }

    function settleAsset(bytes32 id, uint256 n, address asset, AssetAllocation[] calldata allocation) private {
        uint256 deposited = held(id, asset, n);
        uint256[] memory pay = new uint256[](n);
        uint256 allocated = 0;
        for (uint256 a = 0; a < allocation.length; a++) {
            if (allocation[a].asset != asset) continue;
            for (uint256 i = 0; i < n; i++) pay[i] = allocation[a].balances[i];
            allocated = total(allocation[a].balances);
        }
        uint256 excess = deposited - allocated; // settle() checked that it is funded
        if (excess > 0) {
            uint256 handedOut = 0;
            for (uint256 i = 0; i < n; i++) {
                uint256 own = holdings[id][asset][i];
                if (own != 0 && excess > type(uint256).max / own) {
                    revert FailedPrecondition("the excess is too large to share out exactly");
                }
                uint256 share = excess * own / deposited;
                pay[i] += share;
                handedOut += share;
            }
            pay[0] += excess - handedOut;
        }
        for (uint256 i = 0; i < n; i++) holdings[id][asset][i] = pay[i];
    }

    function payAsset(bytes32 id, uint256 participant, address asset, address to) private {
        uint256 amount = holdings[id][asset][participant];
        holdings[id][asset][participant] = 0;
        emit Withdrawn(id, participant, asset, amount);
        if (amount == 0) return;
        if (asset == address(0)) {
            (bool ok,) = to.call{value: amount}("");
            if (!ok) revert FailedPrecondition("the ether transfer to the participant failed");
        } else {
            callToken(asset, abi.encodeWithSignature("transfer(address,uint256)", to, amount));
        }
    }

    function noteToken(bytes32 id, uint256 n, address token) private {
        if (token.code.length == 0) revert InvalidArgument("the asset is neither ether (address 0) nor a token contract");
        address[] storage tokens = tokensOf[id];
        for (uint256 t = 0; t < tokens.length; t++) {
            if (tokens[t] == token) return;
        }
        uint256 assets = tokens.length + (holdsEther(id, n) ? 1 : 0);
        if (assets >= MAX_ASSETS) revert InvalidArgument(tooManyAssets());
        tokens.push(token);
    }

    // Calls a token, accepting tokens that return nothing as well as true.
    function callToken(address token, bytes memory data) private {
        (bool ok, bytes memory result) = token.call(data);
        if (!ok || (result.length != 0 && !abi.decode(result, (bool)))) {
            revert FailedPrecondition("the token refused the transfer");
        }
    }

    function holdsEther(bytes32 id, uint256 n) internal view returns (bool) {
        for (uint256 i = 0; i < n; i++) {
            if (holdings[id][address(0)][i] != 0) return true;
        }
        return false;
    }

    function held(bytes32 id, address asset, uint256 n) private view returns (uint256 sum) {
        for (uint256 i = 0; i < n; i++) sum += holdings[id][asset][i];
    }

    function total(uint256[] calldata balances) private pure returns (uint256 sum) {
        for (uint256 i = 0; i < balances.length; i++) sum += balances[i];
    }

    function tooManyAssets() private pure returns (string memory) {
        return string.concat("the channel already holds ", MAX_ASSETS.decimal(), " assets, the limit");
    }
}
