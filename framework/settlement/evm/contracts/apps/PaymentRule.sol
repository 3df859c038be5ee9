// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {Params, State, InvalidArgument, PermissionDenied} from "../ParleyTypes.sol";
import {IAppRule} from "../IAppRule.sol";
import {Text} from "../Text.sol";

// The payment app's rule (apps/payment/payment_app.h): no app data, and a
// participant may lower only its own balances. Not turn-based.
contract PaymentRule is IAppRule {
    using Text for uint256;

    function supportsForceMove() external pure returns (bool) {
        return false;
    }

    function validTransition(Params calldata, State calldata from, State calldata to, uint256 actor) external pure {
        if (to.appData.length != 0) revert InvalidArgument("payment channels carry no app data");
        for (uint256 a = 0; a < from.allocation.length; a++) {
            if (keccak256(abi.encode(from.allocation[a].locked)) != keccak256(abi.encode(to.allocation[a].locked))) {
                revert InvalidArgument("a payment cannot change locked amounts");
            }
            uint256[] calldata before = from.allocation[a].balances;
            uint256[] calldata next = to.allocation[a].balances;
            for (uint256 p = 0; p < before.length; p++) {
                if (p != actor && next[p] < before[p]) {
                    revert PermissionDenied(string.concat("participant ", actor.decimal(), " cannot lower the balance of participant ", p.decimal()));
                }
            }
        }
    }
}
