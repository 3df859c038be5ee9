// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {Params, State} from "./ParleyTypes.sol";

// An app's rules on chain: the same judgement as the C++ App::ValidTransition
// (parley/channel/app.h), for the Adjudicator to check force-moves with.
interface IAppRule {
    // True for turn-based apps, whose participants may force-move.
    function supportsForceMove() external pure returns (bool);

    // Returns if `to` may follow `from` when participant `actor` alone signs
    // it; reverts with InvalidArgument or PermissionDenied saying why not. The
    // Adjudicator has already checked the channel id, the version step, the
    // allocation's shape and that every asset's total is conserved.
    function validTransition(Params calldata params, State calldata from, State calldata to, uint256 actor)
        external
        pure;
}
