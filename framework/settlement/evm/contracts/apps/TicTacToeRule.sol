// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {Params, State, InvalidArgument, PermissionDenied, FailedPrecondition} from "../ParleyTypes.sol";
import {IAppRule} from "../IAppRule.sol";
import {Text} from "../Text.sol";

// Tic-tac-toe's rule, the same judgement as apps/tictactoe/tictactoe_app.h:
// app data is the board, 9 cells row by row (0 empty, 1 X = participant 0,
// 2 O = participant 1); a move adds one mark of the player to move; the
// mover takes the pot until the game ends; a win pays the winner and is
// final; a full board without a line splits the pot and is final.
contract TicTacToeRule is IAppRule {
    using Text for uint256;

    function supportsForceMove() external pure returns (bool) {
        return true;
    }

    function validTransition(Params calldata, State calldata from, State calldata to, uint256 actor) external pure {
        bytes calldata before = board(from);
        bytes calldata next = board(to);
        if (from.isFinal) revert FailedPrecondition("the game is over");
        uint256 mover = toMove(before);
        if (mover != actor) {
            revert PermissionDenied(string.concat("it is participant ", mover.decimal(), "'s turn, not ", actor.decimal(), "'s"));
        }
        uint256 changed = 0;
        for (uint256 i = 0; i < 9; i++) {
            if (before[i] == next[i]) continue;
            if (before[i] != 0 || uint8(next[i]) != actor + 1) {
                revert InvalidArgument(string.concat("cell ", i.decimal(), " cannot change from ", uint256(uint8(before[i])).decimal(), " to ", uint256(uint8(next[i])).decimal()));
            }
            changed++;
        }
        if (changed != 1) revert InvalidArgument("a move places exactly one mark");
        uint256 pot = potOf(from);
        potOf(to);
        uint8 won = winner(next);
        bool full = isFull(next);
        uint256[] calldata balances = to.allocation[0].balances;
        bool stakesFollow;
        if (won == 0 && full) {
            stakesFollow = balances[0] == pot / 2 && balances[1] == pot - pot / 2;
        } else {
            uint256 paid = won != 0 ? won - 1 : actor;
            stakesFollow = balances[paid] == pot && balances[1 - paid] == 0;
        }
        if (!stakesFollow || to.isFinal != (won != 0 || full)) {
            revert InvalidArgument("the stakes do not follow the board (the mover takes the pot until the game ends)");
        }
    }

    function board(State calldata state) private pure returns (bytes calldata cells) {
        cells = state.appData;
        if (cells.length != 9) revert InvalidArgument("a tic-tac-toe board is 9 bytes");
        for (uint256 i = 0; i < 9; i++) {
            if (uint8(cells[i]) > 2) revert InvalidArgument("a board cell holds 0, 1 or 2");
        }
    }

    // The pot: one asset, two balances, nothing locked.
    function potOf(State calldata state) private pure returns (uint256) {
        if (state.allocation.length != 1 || state.allocation[0].balances.length != 2 || state.allocation[0].locked.length != 0) {
            revert InvalidArgument("tic-tac-toe is played for one asset with nothing locked");
        }
        return state.allocation[0].balances[0] + state.allocation[0].balances[1];
    }

    function toMove(bytes calldata cells) private pure returns (uint256) {
        uint256 xs = 0;
        uint256 os = 0;
        for (uint256 i = 0; i < 9; i++) {
            if (cells[i] == 0x01) xs++;
            else if (cells[i] == 0x02) os++;
        }
        return xs == os ? 0 : 1;
    }

    function winner(bytes calldata b) private pure returns (uint8) {
        uint8[3][8] memory lines =
            [[0, 1, 2], [3, 4, 5], [6, 7, 8], [0, 3, 6], [1, 4, 7], [2, 5, 8], [0, 4, 8], [2, 4, 6]];
        for (uint256 l = 0; l < 8; l++) {
            bytes1 first = b[lines[l][0]];
            if (first != 0 && first == b[lines[l][1]] && first == b[lines[l][2]]) return uint8(first);
        }
        return 0;
    }

    function isFull(bytes calldata cells) private pure returns (bool) {
        for (uint256 i = 0; i < 9; i++) {
            if (cells[i] == 0) return false;
        }
        return true;
    }
}
