#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Operators through the real programs: bootstrap of the first admin, adding
# with roles, refusals (no --as, not an admin, wrong passphrase, unknown
# operator, short passphrase, --passphrase on the command line), disable and
# enable, passwd (own change and admin reset), the lockout with the injected
# clock, list --json, the audit log after all of it, and that no passphrase
# reaches the audit log or the database files. Passphrases come from
# environment variables; the terminal prompt is tested through script(1)
# when it is available. scrypt runs at TCARD_SCRYPT_LN=10 to stay fast.
. "$(dirname "$0")/lib.sh"
tc_env 2026-03-01T08:00:00Z
H=$T/home
export TCARD_HOME=$H

need_prog "$I" "$K"

P_ADA='ada kite harbour lamp'
P_BO='bo river stone seven'
P_BO2='bo second passphrase'
P_BO3='bo reset by the admin'
P_CY='cy quiet orange field'
ALL_P=("$P_ADA" "$P_BO" "$P_BO2" "$P_BO3" "$P_CY")
: >"$T/all"
# log: keeps every command's output for the final leak check.
log() { cat "$T/out" "$T/err" >>"$T/all"; }

expect_exit 0 "tcard-keys init" "$K" init
expect_exit 0 "tcard-issuer init" "$I" init

expect_exit 0 "operator --help lists the subcommands" "$I" operator --help
expect_out "operator passwd" "the group help names operator passwd"
expect_exit 0 "operator add --help" "$I" operator add --help
expect_out "Bootstrap" "add's page explains the bootstrap"
expect_out "TCARD_PASSPHRASE" "add's page documents TCARD_PASSPHRASE"

# Bootstrap.
expect_exit 0 "operator list on an empty registry" "$I" operator list
check "only the header" test "$(wc -l <"$T/out")" -eq 1
NP=$P_ADA expect_exit 1 "the first operator must be an admin" \
	"$I" operator add ada --role auditor --passphrase-env NP
expect_err "admin role" "the refusal says why"
NP=$P_ADA expect_exit 2 "the first operator add takes no --as" \
	"$I" operator add ada --role admin --as ada --passphrase-env NP
NP=$P_ADA expect_exit 0 "bootstrap: first admin without --as" \
	"$I" operator add ada --role admin,auditor --passphrase-env NP
expect_out "^operator ada added \(roles: auditor,admin; organisation: office\)$" "add says what it did, in the talent office by default"
expect_err "TCARD_SCRYPT_LN=10 .*tests and demonstrations only" "a lowered cost is warned about"
log

# From now on --as is needed, and must be an admin.
NP=$P_BO expect_exit 2 "a second add without --as is a usage error" \
	"$I" operator add bo --role approver --passphrase-env NP
NP=$P_BO TCARD_PASSPHRASE=$P_ADA expect_exit 1 "a role that does not fit the organisation is refused" \
	"$I" operator add bo --role unit-reviewer,approver --as ada --passphrase-env NP
expect_err "does not fit organisation office" "the refusal names the organisation"
TCARD_PASSPHRASE=$P_ADA expect_exit 0 "admin adds a city office" \
	"$I" organisation add city gz-city --name '示例市人力资源和社会保障局' --as ada
NP=$P_BO TCARD_PASSPHRASE=$P_ADA expect_exit 0 "admin adds bo" \
	"$I" operator add bo --role hr-reviewer,approver --organisation gz-city --as ada --passphrase-env NP
log
NP=$P_BO TCARD_PASSPHRASE=$P_ADA expect_exit 1 "a duplicate name is refused" \
	"$I" operator add bo --role approver --as ada --passphrase-env NP
expect_err "already exists" "the refusal says it exists"
NP=$P_CY TCARD_PASSPHRASE=$P_BO expect_exit 1 "a non-admin cannot add operators" \
	"$I" operator add cy --role auditor --as bo --passphrase-env NP
expect_err "needs the role admin" "the refusal names the missing role"
NP=$P_CY TCARD_PASSPHRASE=$P_ADA expect_exit 2 "an unknown role is a usage error" \
	"$I" operator add cy --role auditor,boss --as ada --passphrase-env NP
expect_err "unknown role 'boss'" "the error names the role"
NP='too short' TCARD_PASSPHRASE=$P_ADA expect_exit 1 "a short passphrase is refused" \
	"$I" operator add cy --role auditor --as ada --passphrase-env NP
expect_err "at least 12" "the refusal gives the minimum"
log

# Wrong passphrase and unknown operator: exit 1, the same words.
NP=$P_CY TCARD_PASSPHRASE='not the passphrase' expect_exit 1 "a wrong passphrase is refused" \
	"$I" operator add cy --role auditor --as ada --passphrase-env NP
expect_err "operator or passphrase wrong" "wrong passphrase: generic message"
sed 's/--as ada/--as X/' "$T/err" | grep -v warning >"$T/err-wrong"
NP=$P_CY TCARD_PASSPHRASE='not the passphrase' expect_exit 1 "an unknown operator is refused" \
	"$I" operator add cy --role auditor --as nobody --passphrase-env NP
sed 's/--as nobody/--as X/' "$T/err" | grep -v warning >"$T/err-unknown"
check "unknown operator and wrong passphrase read the same" cmp -s "$T/err-wrong" "$T/err-unknown"
log

# Passphrases on the command line are refused, without echoing them.
expect_exit 2 "--passphrase VALUE is refused" \
	"$I" operator add cy --role auditor --as ada --passphrase hunter2hunter2
expect_err "refusing --passphrase: .*ps, /proc" "the refusal explains why"
expect_no hunter2hunter2 "the value is not echoed" "$T/err" "$T/out"
expect_exit 2 "--password=VALUE is refused" \
	"$I" operator passwd ada --password=hunter2hunter2
expect_no hunter2hunter2 "the value is not echoed (--password=)" "$T/err" "$T/out"
expect_exit 2 "a mistyped option is not echoed with its value" \
	"$I" operator disable bo --as ada --pasword=hunter2hunter2
expect_no hunter2hunter2 "mistyped: the value is not echoed" "$T/err" "$T/out"

# No terminal and no variable: a usage error, not a hang.
if command -v setsid >/dev/null; then
	expect_exit 2 "no terminal and no TCARD_PASSPHRASE" \
		setsid -w "$I" operator disable bo --as ada </dev/null
	expect_err "no terminal" "the error says there is no terminal"
fi

NP=$P_CY TCARD_PASSPHRASE=$P_ADA expect_exit 0 "admin adds cy" \
	"$I" operator add cy --role auditor --as ada --passphrase-env NP
log

# Disable and enable.
TCARD_PASSPHRASE=$P_ADA expect_exit 0 "disable bo" "$I" operator disable bo --as ada
expect_out "^operator bo disabled$" "disable says so"
TCARD_PASSPHRASE=$P_ADA expect_exit 1 "disable twice is refused" "$I" operator disable bo --as ada
expect_err "already disabled" "the refusal says already disabled"
NP=$P_BO2 TCARD_PASSPHRASE=$P_BO expect_exit 1 "a disabled operator cannot act" \
	"$I" operator passwd bo --passphrase-env NP
expect_err "operator bo is disabled" "after the right passphrase it says disabled"
NP=$P_BO2 TCARD_PASSPHRASE='wrong wrong wrong' expect_exit 1 "disabled + wrong passphrase" \
	"$I" operator passwd bo --passphrase-env NP
expect_err "operator or passphrase wrong" "with a wrong passphrase it says nothing more"
expect_exit 0 "operator list" "$I" operator list
expect_out "^bo +hr-reviewer,approver +gz-city +disabled " "list shows bo disabled, in its organisation"
TCARD_PASSPHRASE=$P_ADA expect_exit 1 "the last admin cannot be disabled" \
	"$I" operator disable ada --as ada
expect_err "last enabled admin" "the refusal says why"
TCARD_PASSPHRASE=$P_CY expect_exit 1 "a non-admin cannot enable" "$I" operator enable bo --as cy
TCARD_PASSPHRASE=$P_ADA expect_exit 0 "enable bo" "$I" operator enable bo --as ada
log

# passwd: own change, same passphrase refused, admin reset.
NP=$P_BO TCARD_PASSPHRASE=$P_BO expect_exit 1 "the new passphrase must differ" \
	"$I" operator passwd bo --passphrase-env NP
NP=$P_BO2 TCARD_PASSPHRASE=$P_BO expect_exit 0 "bo changes its own passphrase" \
	"$I" operator passwd bo --passphrase-env NP
expect_out "^passphrase of operator bo changed$" "passwd says so"
NP=$P_CY TCARD_PASSPHRASE=$P_BO expect_exit 1 "the old passphrase no longer works" \
	"$I" operator passwd bo --passphrase-env NP
NP=$P_BO3 TCARD_PASSPHRASE=$P_CY expect_exit 1 "a non-admin cannot reset another's" \
	"$I" operator passwd bo --as cy --passphrase-env NP
NP=$P_BO3 TCARD_PASSPHRASE=$P_ADA expect_exit 0 "an admin resets bo's passphrase" \
	"$I" operator passwd bo --as ada --passphrase-env NP
NP=$P_BO3 TCARD_PASSPHRASE=$P_ADA expect_exit 1 "reset of an unknown operator" \
	"$I" operator passwd nobody --as ada --passphrase-env NP
expect_err "no operator named nobody" "the admin is told the name is unknown"
log

# Lockout: 5 failures in a row lock bo for 15 minutes.
for i in 1 2 3 4 5; do
	NP=$P_BO2 TCARD_PASSPHRASE="wrong guess number $i" \
		"$I" operator passwd bo --passphrase-env NP >/dev/null 2>&1
done
NP=$P_BO2 TCARD_PASSPHRASE=$P_BO3 expect_exit 1 "locked: the right passphrase is refused" \
	"$I" operator passwd bo --passphrase-env NP
expect_err "operator or passphrase wrong" "locked: the generic message"
expect_exit 0 "operator list while locked" "$I" operator list
expect_out "^bo .*locked until 2026-03-01T08:15:00Z" "list shows the lock and its end"
NP=$P_BO2 TCARD_PASSPHRASE=$P_BO3 TCARD_NOW=2026-03-01T08:16:00Z \
	expect_exit 0 "after 15 minutes bo can act again" "$I" operator passwd bo --passphrase-env NP
log

# list --json: parses, has roles and states, never a hash.
expect_exit 0 "operator list --json" "$I" operator list --json
check "json: three operators with roles, no hashes" python3 -c '
import json, sys
text = open(sys.argv[1]).read()
d = json.loads(text)
names = [o["name"] for o in d]
assert names == ["ada", "bo", "cy"], names
ada = d[0]
assert ada["roles"] == ["auditor", "admin"] and ada["disabled"] is False
assert ada["has_passphrase"] is True and ada["locked_until"] is None
assert ada["created"] == "2026-03-01T08:00:00Z"
assert d[1]["roles"] == ["hr-reviewer", "approver"] and d[1]["organisation"] == "gz-city"
assert "scrypt" not in text and "hash" not in text' "$T/out"

# The audit log: every change, by whom, and it verifies.
expect_exit 0 "audit verify after all of it" "$I" audit verify
expect_out "^audit log OK" "the audit log verifies"
expect_exit 0 "audit list" "$I" audit list
cp "$T/out" "$T/audit"
log
check "bootstrap entry by system" grep -qE "  system  operator.add  ada  .*\"bootstrap\":true" "$T/audit"
check "bo added by ada with its roles" grep -qE "  ada  operator.add  bo  \{\"roles\":\[\"hr-reviewer\",\"approver\"\]\}" "$T/audit"
check "disable and enable by ada" grep -qE "  ada  operator.disable  bo" "$T/audit"
check "passwd entries (own and reset)" grep -qE "  ada  operator.passwd  bo  \{\"reset\":true\}" "$T/audit"
check "the lock is in the log" grep -qE "  bo  operator.lock  bo  \{\"failures\":5" "$T/audit"
check "failures are in the log" grep -qE "operator.auth-fail  bo" "$T/audit"
for p in "${ALL_P[@]}"; do
	expect_no "$p" "passphrase '${p%% *} ...' not in the audit log" "$T/audit"
	expect_no "$p" "passphrase '${p%% *} ...' not in any output" "$T/all"
	expect_no "$p" "passphrase '${p%% *} ...' not in the database files" "$H"/registry.db*
done
check "hashes in the table are scrypt strings" \
	bash -c 'command -v sqlite3 >/dev/null || exit 0; test "$(sqlite3 "$1" "SELECT count(*) FROM operators WHERE pass_hash LIKE '"'"'\$scrypt\$ln=10,r=8,p=1\$%'"'"'")" = 3' _ "$H/registry.db"

# The terminal prompt, through script(1): no echo, repeat must match.
if command -v script >/dev/null; then
	H2=$T/home2
	TCARD_HOME=$H2 "$K" init >/dev/null 2>&1
	TCARD_HOME=$H2 "$I" init >/dev/null 2>&1
	{ sleep 1; printf '%s\n' "$P_ADA"; sleep 1; printf '%s\n' "$P_ADA"; sleep 1; } |
		TCARD_HOME=$H2 script -qec "$I operator add ada --role admin" /dev/null >"$T/tty" 2>&1
	check "prompt: bootstrap through the terminal" grep -q "operator ada added" "$T/tty"
	check "prompt: asks twice" grep -q "Repeat:" "$T/tty"
	expect_no "$P_ADA" "prompt: the passphrase is not echoed" "$T/tty"
	{ sleep 1; printf '%s\n' "$P_ADA"; sleep 1; printf '%s\n' "$P_BO"; sleep 1; printf '%s\n' "$P_BO2"; sleep 1; } |
		TCARD_HOME=$H2 script -qec "$I operator add bo --role auditor --as ada" /dev/null >"$T/tty" 2>&1
	check "prompt: differing entries are refused" grep -q "the two entries differ" "$T/tty"
	expect_no "$P_BO" "prompt: no passphrase echoed" "$T/tty"
	{ sleep 1; printf '%s\n' "$P_ADA"; sleep 1; printf '%s\n' "$P_BO"; sleep 1; printf '%s\n' "$P_BO"; sleep 1; } |
		TCARD_HOME=$H2 script -qec "$I operator add bo --role auditor --as ada" /dev/null >"$T/tty" 2>&1
	check "prompt: admin's and new passphrase through the terminal" grep -q "operator bo added" "$T/tty"
	check "prompt: the admin was asked first" grep -q "Passphrase for operator ada:" "$T/tty"
else
	ok "# SKIP script(1) not available"
fi

done_testing
