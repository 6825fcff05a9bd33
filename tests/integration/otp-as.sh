#!/bin/bash
# SPDX-License-Identifier: MIT
# otp-as.sh PROGRAM ARGS...: runs PROGRAM (a tcard-issuer) with ARGS, and
# when ARGS act as a demo operator (--as NAME, the home from --home DIR or
# $TCARD_HOME holding demo-operators.txt) and $TCARD_OTP is not set, with
# TCARD_OTP set to that operator's TOTP code at the command's clock
# ($TCARD_NOW or now). For integration scripts that run many commands as
# demo operators; lib.sh's demo_cli makes a one-path wrapper of it. The
# second factor itself is tested without it (057-organisations.sh).
prog=$1
shift
as= home=${TCARD_HOME:-} prev=
for a in "$@"; do
	case $prev in
	--as) as=$a ;;
	--home) home=$a ;;
	esac
	case $a in
	--as=*) as=${a#--as=} ;;
	--home=*) home=${a#--home=} ;;
	--) break ;;
	esac
	prev=$a
done
ops=$home/demo-operators.txt
if [ -n "$as" ] && [ -z "${TCARD_OTP+x}" ] && [ -r "$ops" ]; then
	secret=$(awk -F'\t' -v n="$as" '$1 == n { print $5 }' "$ops")
	if [ -n "$secret" ]; then
		TCARD_OTP=$(python3 "$(dirname "$0")/totp.py" "$secret") || exit 4
		export TCARD_OTP
	fi
fi
exec "$prog" "$@"
