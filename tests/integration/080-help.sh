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
expect_exit 0 "tcard-issuer publish --help" "$TC_BIN/tcard-issuer" publish --help
expect_out '^    tcard-issuer publish --out DIR' "publish --help gives its synopsis"
# Programs without subcommands: one man-style page each.
for prog in tcard-verifierd; do
	[ -x "$TC_BIN/$prog" ] || continue
	expect_exit 0 "$prog --help" "$TC_BIN/$prog" --help
	for s in NAME SYNOPSIS DESCRIPTION OPTIONS 'EXIT STATUS' EXAMPLES; do
		expect_out "^$s" "$prog --help has $s"
	done
done
# tcard-vcard, the card emulator: one page, no subcommands.
if [ -x "$TC_BIN/tcard-vcard" ]; then
	expect_exit 0 "tcard-vcard --help" "$TC_BIN/tcard-vcard" --help
	check "tcard-vcard --help: a man-style page" sh -c \
	    'grep -q "^SYNOPSIS" "$1" && grep -q "^DESCRIPTION" "$1" && grep -q "^EXIT STATUS" "$1" && grep -q "^EXAMPLES" "$1"' - "$T/out"
	expect_exit 2 "tcard-vcard with an unknown option is a usage error" "$TC_BIN/tcard-vcard" --no-such-option
fi
done_testing
