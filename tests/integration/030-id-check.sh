#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tcard-issuer id-check, run as a person or a script would: every ID type,
# normalisation, masking, the exact reasons and the exit statuses.
. "$(dirname "$0")/lib.sh"
I=$TC_BIN/tcard-issuer
export TCARD_NOW=2026-11-21

expect_exit 0 "valid resident number" "$I" id-check resident 110105199003071239
expect_out '^valid resident: \*{16}39$' "masked to the last 2"
expect_no 110105199003071239 "full number not printed without --show" "$T/out" "$T/err"
expect_exit 0 "--show prints the normalised number" "$I" id-check --show resident '110105 19900301 041x'
expect_out '^normalised: 11010519900301041X$' "spaces removed and x upper-cased"
expect_exit 0 "full-width digits and ideographic space" "$I" id-check --show resident '１１０１０５　１９９００３０７１２３９'
expect_out '^normalised: 110105199003071239$' "full-width normalised to half-width"
expect_exit 1 "wrong check character refused" "$I" id-check resident 110105199003071234
expect_out 'bad check character: expected 9, got 4' "reason names expected and actual check character"
expect_exit 1 "29 February of a non-leap year refused" "$I" id-check resident 110105202302291234
expect_out '20230229' "reason names the date"
expect_exit 1 "future birth date refused" "$I" id-check resident 110105209901011234
expect_exit 1 "15-character first-generation number refused" "$I" id-check resident 110105900307123
expect_out '15 characters' "reason says 15 characters"
expect_exit 0 "HK residence permit" "$I" id-check hkmo-residence 810000198812124568
expect_exit 1 "HK prefix is not a mainland ID" "$I" id-check resident 810000198812124568
expect_exit 0 "Taiwan residence permit" "$I" id-check tw-residence 830000199001011234
expect_exit 1 "Taiwan permit number as HK/Macao residence refused" "$I" id-check hkmo-residence 830000199001011234
expect_exit 0 "home-return permit H + 8 digits" "$I" id-check hkmo-permit H12345678
expect_exit 0 "home-return permit M + 10 digits" "$I" id-check hkmo-permit m1234567890
expect_exit 1 "home-return permit with 9 digits refused" "$I" id-check hkmo-permit H123456789
expect_exit 0 "Taiwan compatriot permit 8 digits" "$I" id-check tw-permit 12345678
expect_exit 0 "foreign PR, 2023 form" "$I" id-check foreign-pr 911156199001010010
expect_exit 0 "foreign PR, older form" "$I" id-check foreign-pr ABC123456789012
expect_exit 0 "passport" "$I" id-check passport E1234567
expect_exit 1 "passport of 4 characters refused" "$I" id-check passport E123
expect_exit 0 "--json on a valid number" "$I" id-check --json resident 110105199003071239
check "json says valid and masked" python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["valid"] is True and d["masked"]=="****************39"' "$T/out"
expect_exit 1 "--json on an invalid number" "$I" id-check --json resident 110105199003071234
check "json gives error name and reason" python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["valid"] is False and d["error"]=="bad-check" and "expected 9, got 4" in d["reason"]' "$T/out"
expect_exit 2 "unknown type is a usage error" "$I" id-check driving-licence 123
expect_exit 2 "missing number is a usage error" "$I" id-check resident
expect_exit 0 "--help" "$I" id-check --help
expect_out 'SYNOPSIS' "help is a man-style page"
done_testing
