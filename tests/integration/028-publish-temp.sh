#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A publish that was killed leaves temporary files (".NAME.XXXXXX" of the
# atomic writes, ".lookup.bin.link-PID"): the next publish removes them
# from the bundle directory and its programmes/ (which it holds locked),
# and from HOME only those older than ten minutes (another publish may be
# writing there). Other dot files stay. A second publish while the first
# holds the directory's lock is refused. Made-up people only.
. "$(dirname "$0")/lib.sh"
tc_env

need_prog "$I"
H=$T/demo
O=$T/bundle
"$I" demo --home "$H" >/dev/null 2>&1 || { echo "1..0 # SKIP demo failed"; exit 77; }
expect_exit 0 "publish" "$I" publish --home "$H" --out "$O"

# What a run killed between mkstemp and rename leaves behind.
stale="$O/.revocations.cose.a1B2c3 $O/.lookup-1.bin.Zz9Yy8 $O/.lookup.bin.link-4242 $O/programmes/.baiyun.json.QwErTy $H/.revocations.seq.OLD123 $H/.audit.head.OLD456"
for f in $stale; do head -c 100 /dev/urandom >"$f"; done
touch -d '1 hour ago' "$H/.revocations.seq.OLD123" "$H/.audit.head.OLD456"
: >"$H/.revocations.seq.NEW789"   # another publish's, just written
: >"$O/.htaccess"; : >"$O/.keep.me.x"; : >"$O/notes.txt.AbCdEf"
expect_exit 0 "publish after a killed run" "$I" publish --home "$H" --out "$O"
expect_err "removed 6 temporary files of an interrupted earlier run" "it says what it removed"
for f in $stale; do check "removed ${f#$T/}" test ! -e "$f"; done
check "a fresh temporary file in HOME stays" test -e "$H/.revocations.seq.NEW789"
check "other dot files stay" test -e "$O/.htaccess" -a -e "$O/.keep.me.x"
check "a non-dot file of that shape stays" test -e "$O/notes.txt.AbCdEf"
expect_exit 0 "a third publish has nothing to remove" "$I" publish --home "$H" --out "$O"
expect_no "removed" "... and says nothing about it" "$T/err"

if command -v flock >/dev/null; then
	# flock(1) holds the directory's lock while it runs a second publish.
	expect_exit 3 "a publish while another holds the directory is refused" \
		flock -n "$O" "$I" publish --home "$H" --out "$O"
	expect_err "another publish to this directory is running" "... saying why"
	expect_exit 0 "once it is released, publish runs" "$I" publish --home "$H" --out "$O"
	check "no lock file among the bundle's files" test ! -e "$O/.publish.lock"
else
	for i in 1 2 3 4; do ok "# SKIP flock(1) missing"; done
fi
done_testing
