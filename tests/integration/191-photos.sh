#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Every printed card has a photo (issue 17), on a demo authority through
# the real programs:
# - a Chuxiong application without a photo is refused at submission,
#   naming the photo, and one of the wrong size when it is attached; with
#   a 358 x 441 photo it is submitted, walks every step (the public notice
#   closed at a clock past its 5 working days) and is issued, and 'print'
#   renders that photo: its colour fills the photo box of the face's PNG;
# - a green card sub-card application (apply --principal) is refused
#   without the relative's photo, and with it is issued and prints with
#   that photo;
# - 'subcard add' refuses to run without --photo, and with it the sub-card
#   prints with the relative's photo, as does the card reissued from it;
# - print-batch over every day a live card of the demo was issued on
#   fails for none of them (no --photos DIR).
# The photos are plain colours, so that the face's pixels show which one
# was printed. Made-up people only.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/apply-lib.sh"
tc_env

need_prog "$I"
I=$(demo_cli) # demo operators sign in with their TOTP code (lib.sh)
need_cmd python3
if ! fc-list | grep -q 'Noto Sans CJK SC'; then
	echo "1..0 # SKIP fonts-noto-cjk not installed"; exit 77
fi

H=$T/demo
"$I" demo --home "$H" >"$T/lines" 2>/dev/null || { echo "1..0 # SKIP demo failed"; exit 77; }
export TCARD_HOME=$H
# as OP CMD...: tcard-issuer as demo operator OP.
as() { local op=$1; shift; TCARD_PASSPHRASE=$(demo_pass "$H" "$op") "$I" "$@" --as "$op"; }
# colour_png W H R G B FILE: a PNG of one colour.
colour_png() {
	python3 -c '
import struct, sys, zlib
w, h, r, g, b = map(int, sys.argv[1:6])
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
raw = b"".join(b"\x00" + bytes([r, g, b]) * w for _ in range(h))
open(sys.argv[6], "wb").write(b"\x89PNG\r\n\x1a\n" +
    chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
    chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))' "$@"
}
# pixels_of FILE R G B: how many pixels of the 8-bit RGB or RGBA PNG FILE
# are within 3 levels of the colour (pngread.py).
pixels_of() { python3 "$TC_TOP/tests/integration/pngread.py" "$@"; }
# A photo box is 22.4 x 27.6 mm: 264 x 326 pixels at 300 dpi. Its colour
# must fill most of it (the box's edge may be blended).
FILLED=60000
# printed_with CARD R G B DESC: print CARD's front at 300 dpi; the colour
# fills its photo box.
printed_with() {
	local c=$1 r=$2 g=$3 b=$4 d=$5 n
	expect_exit 0 "print $d ($c)" as demo-card-producer-1 print "$c" --out "$T/f$c.png" --side front
	n=$(pixels_of "$T/f$c.png" "$r" "$g" "$b" 2>/dev/null || echo 0)
	check "$d: the photo's colour fills the photo box ($n pixels)" test "$n" -ge "$FILLED"
}
card_of() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$T/out" "$1"; }
app_of() { sed -n 's/^application \([0-9]*\) .*/\1/p' "$T/out"; }

# 1. Chuxiong: the photo is required, checked by its pixels, and printed.
colour_png 358 441 200 40 40 "$T/cx.png"
colour_png 300 400 200 40 40 "$T/cx-small.png"
mkpdf "$T/cx-form.pdf" "application form"
CX_ID=$(mkid 53230119850505001)
cx_apply() {
	CXID=$CX_ID as demo-clerk apply --programme chuxiong-xingchu --tier a \
		--clause a2 --name 李楚雄 --id-type resident --id-env CXID \
		--employer 楚雄彝州示例绿色硅材料有限公司 \
		--employer-code 91532301MA6K3P7C29 \
		--attach application-form="$T/cx-form.pdf" "$@"
}
expect_exit 1 "a Chuxiong application without a photo is refused" cx_apply --submit
expect_err "incomplete \(1 missing\): photo" "the refusal names the photo"
expect_exit 0 "a draft without the photo is kept" cx_apply
CX=$(app_of); check "the draft has a number" test -n "$CX"
expect_exit 1 "the draft is not submitted without a photo" as demo-clerk submit "$CX"
expect_err "missing\): photo" "the refusal names the photo"
expect_exit 1 "a 300 x 400 photo is refused" as demo-clerk submit "$CX" --photo "$T/cx-small.png"
expect_err "the photo is 300 x 400 pixels; chuxiong-xingchu needs 358 x 441" "the refusal gives both sizes"
expect_exit 0 "with a 358 x 441 photo it is submitted" as demo-clerk submit "$CX" --photo "$T/cx.png"
expect_exit 0 "the industry department's review" as demo-industry-reviewer-1 review "$CX" --approve
expect_exit 0 "the determination" as demo-leadership-group-1 review "$CX" --approve
expect_exit 0 "the consultation" as demo-leadership-group-2 review "$CX" --approve
LATER=2026-12-01T04:00:00Z # past the 5 working days of the public notice
TCARD_NOW=$LATER expect_exit 0 "the public notice closes" as demo-leadership-group-3 review "$CX" --approve
TCARD_NOW=$LATER expect_exit 0 "the bank makes the card" as demo-card-producer-1 review "$CX" --approve
TCARD_NOW=$LATER expect_exit 0 "the card is issued" as demo-card-issuer-1 issue "$CX" --json
CXC=$(card_of card_no)
TCARD_NOW=$LATER printed_with "$CXC" 200 40 40 "the Chuxiong card"

# 2. A green card sub-card application: the relative's photo.
GA=$(awk -F'\t' '$2 == "guangzhou-green" && $3 == "a" { gsub(/ /, "", $1); print $1; exit }' "$T/lines")
check "the demo has a green card A" test -n "$GA"
colour_png 358 441 30 60 200 "$T/rel.png"
for m in sub-form parent-proof id-resident; do mkpdf "$T/$m.pdf" "$m of the parent"; done
PA_ID=$(mkid 44010619600101003)
sub_apply() {
	PAID=$PA_ID as demo-clerk apply --principal "$GA" --programme guangzhou-green \
		--tier a-parent --name "Paolo Bianchi" --id-type resident --id-env PAID \
		--attach sub-form="$T/sub-form.pdf" --attach parent-proof="$T/parent-proof.pdf" \
		--attach id-resident="$T/id-resident.pdf" --submit "$@"
}
expect_exit 1 "a sub-card application without the relative's photo is refused" sub_apply
expect_err "missing\): photo" "the refusal names the photo"
expect_exit 1 "a sub-card application on a B card is refused" \
	as demo-clerk apply --principal "$(awk -F'\t' '$2 == "guangzhou-green" && $3 == "b" { gsub(/ /, "", $1); print $1; exit }' "$T/lines")" \
	--programme guangzhou-green --tier a-parent --name X --id-type resident --id - <<<"$PA_ID"
expect_err "hangs on a card of tier a" "the refusal names the rule"
expect_exit 0 "with the relative's photo it is submitted" sub_apply --photo "$T/rel.png"
SUBAPP=$(app_of)
expect_exit 0 "the district's review" as demo-hr-reviewer-1 review "$SUBAPP" --approve
expect_exit 0 "the approval" as demo-approver-1 review "$SUBAPP" --approve
expect_exit 0 "the production" as demo-card-producer-1 review "$SUBAPP" --approve
expect_exit 0 "the sub-card is issued" as demo-card-issuer-1 issue "$SUBAPP" --json
SUBC=$(card_of card_no)
expect_exit 0 "card show" "$I" card show "$SUBC" --json
check "it hangs on the main card as a parent's sub-card" \
	test "$(card_of main_card) $(card_of relation)" = "$GA parent"
printed_with "$SUBC" 30 60 200 "the sub-card of the application"
expect_exit 0 "print the main card" as demo-card-producer-1 print "$GA" --out "$T/main.png" --side front
check "the main card's face has not the relative's colour" \
	test "$(pixels_of "$T/main.png" 30 60 200)" -lt 1000

# 3. subcard add: --photo required, kept, printed, and found after a reissue.
colour_png 358 441 230 140 20 "$T/sp.png"
SP_ID=$(mkid 44010619620202004)
expect_exit 2 "subcard add without --photo is a usage error" \
	as demo-card-issuer-1 subcard add "$GA" --relation parent-in-law --id-type resident --id - --name "Pia Rossi" <<<"$SP_ID"
expect_err "give --photo FILE" "the usage error asks for the photo"
expect_exit 1 "a PDF is not a photo" \
	as demo-card-issuer-1 subcard add "$GA" --relation parent-in-law --id-type resident --id - --name "Pia Rossi" --photo "$T/sub-form.pdf" <<<"$SP_ID"
check "the refused photo cost no card" sh -c '! grep -q "Pia Rossi" "$1"' - "$T/out"
expect_exit 0 "subcard add --photo" \
	as demo-card-issuer-1 subcard add "$GA" --relation parent-in-law --id-type resident --id - --name "Pia Rossi" --photo "$T/sp.png" --json <<<"$SP_ID"
SPC=$(card_of card)
check "the sub-card has a number" test -n "$SPC"
expect_exit 0 "audit" "$I" audit list --limit 100000
check "the photo is audited as the sub-card's document" grep -q "card.document.*card:$SPC" "$T/out"
printed_with "$SPC" 230 140 20 "the sub-card of subcard add"
expect_exit 0 "reissue the sub-card (damaged)" as demo-card-issuer-1 reissue "$SPC" --reason damaged --json
NEWC=$(card_of new_card)
printed_with "$NEWC" 230 140 20 "the reissued sub-card"

# 4. print-batch over every day a live demo card was issued on: none is
# refused for a missing photo, and none needs --photos.
expect_exit 0 "the cards" "$I" cards --json
DAYS=$(python3 -c '
import json, sys
print(" ".join(sorted({c["issued"] for c in json.load(open(sys.argv[1]))
                       if c["status"] == "issued" and not c["past_expiry"]})))' "$T/out")
check "the demo has live cards" test -n "$DAYS"
: >"$T/batch-err"
for d in $DAYS; do
	expect_exit 0 "print-batch --date $d" as demo-card-producer-1 print-batch --date "$d" --out "$T/batch-$d.pdf"
	cat "$T/err" >>"$T/batch-err"
done
expect_no "has no photo" "no card of any batch lacks a photo" "$T/batch-err"
done_testing
