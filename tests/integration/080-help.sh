#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Every command of every program has a man-style --help page that exits 0;
# the command lists come from the programs themselves, so a new command is
# covered without editing this script.
. "$(dirname "$0")/lib.sh"

for prog in tcard-issuer tcard-keys; do
	expect_exit 0 "$prog --help" "$TC_BIN/$prog" --help
	expect_out '^COMMANDS' "$prog --help lists its commands"
	sed -n '/^COMMANDS/,/^$/p' "$T/out" | sed -n 's/^    \([a-z][a-z -]*[a-z]\)  .*/\1/p' |
		sed 's/ *$//' >"$T/cmds.$prog"
	check "$prog has commands" test -s "$T/cmds.$prog"
	while read -r cmd; do
		# shellcheck disable=SC2086
		"$TC_BIN/$prog" $cmd --help >"$T/out" 2>"$T/err"
		s=$?
		if [ $s -eq 0 ] && grep -q '^SYNOPSIS' "$T/out" &&
		    grep -q '^EXIT STATUS' "$T/out" && grep -q '^DESCRIPTION' "$T/out"; then
			ok "$prog $cmd --help: a man-style page"
		else
			not_ok "$prog $cmd --help (exit $s, or SYNOPSIS/DESCRIPTION/EXIT STATUS missing)"
		fi
	done <"$T/cmds.$prog"
	expect_exit 2 "$prog with an unknown command is a usage error" "$TC_BIN/$prog" no-such-command
	expect_err "unknown command 'no-such-command'" "$prog names the unknown command"
done
done_testing
