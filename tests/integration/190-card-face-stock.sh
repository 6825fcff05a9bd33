#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The card stock on a demo authority (docs/cardfaces.md):
# - the ISO/IEC 7816-2 contact area (10.25-19.87 mm from the left edge,
#   19.23-28.55 mm from the top) is left blank on the front of a card of
#   every tier of every programme: the front page of the PDF rasterised by
#   pdftoppm at 300 dpi is paper white there, and not blank in the photo;
# - every page of `print` and `print-batch` declares BleedBox = MediaBox and
#   TrimBox = the ID-1 card (85.60 x 53.98 mm) inset by the bleed inside
#   it (pdfinfo -box), with 2 mm, 0 mm and 5 mm of bleed;
# - the green card A states what 002 十一(一) lists: pdftotext of its front
#   shows the Latin name and its Chinese translation, sex, birth date,
#   employer, residence, nationality, the ID document type and the masked
#   number (never the full one), the validity; pdfimages finds the photo.
#   The values are those of the application's form (application show);
#   an employer or residence reported later (tcard-issuer change) replaces
#   the form's, the one that took effect last winning.
# Made-up people only.
. "$(dirname "$0")/lib.sh"
tc_env

need_prog "$I"
I=$(demo_cli)
need_cmd pdfinfo pdftoppm pdftotext pdfimages python3
if ! fc-list | grep -q 'Noto Sans CJK SC'; then
	echo "1..0 # SKIP fonts-noto-cjk not installed"; exit 77
fi

H=$T/demo
"$I" demo --home "$H" >"$T/lines" 2>/dev/null || { echo "1..0 # SKIP demo failed"; exit 77; }
export TCARD_HOME=$H
P=demo-card-producer-1
export TCARD_PASSPHRASE=$(demo_pass "$H" $P)

# A photo for the sub-cards (no application photo in the demo).
python3 - "$T/photo.png" <<'PY'
import struct, sys, zlib
w, h = 358, 441
def chunk(t, b):
    return struct.pack(">I", len(b)) + t + b + struct.pack(">I", zlib.crc32(t + b) & 0xffffffff)
raw = b"".join(b"\x00" + bytes([120, 140, 170]) * w for _ in range(h))
open(sys.argv[1], "wb").write(b"\x89PNG\r\n\x1a\n" +
    chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
    chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
PY

# area PGM BLEED X0 X1 Y0 Y1: "blank" when every pixel of the rectangle
# (mm from the trimmed card's top left corner, pixels wholly inside) of
# the 300 dpi grey PGM is white, else "ink"; "bad" when PGM does not read.
area() {
	python3 - "$@" <<'PY'
import math, sys
f, b = sys.argv[1], float(sys.argv[2])
x0, x1, y0, y1 = (float(v) for v in sys.argv[3:7])
d = open(f, "rb").read()
parts = d.split(maxsplit=4)
if parts[0] != b"P5" or parts[3] != b"255":
    print("bad"); sys.exit()
w, h, px = int(parts[1]), int(parts[2]), parts[4]
dot = lambda mm: (mm + b) / 25.4 * 300
c0, c1 = math.ceil(dot(x0)), math.floor(dot(x1))
r0, r1 = math.ceil(dot(y0)), math.floor(dot(y1))
ink = any(v != 255 for r in range(r0, r1) for v in px[r * w + c0:r * w + c1])
print("ink" if ink else "blank")
PY
}

# 1. The contact area is blank on every tier's front; the boxes hold.
while IFS=$'\t' read -r no prog tier name type id; do
	c=${no// /}
	ph=()
	case $tier in *-*) ph=(--photo "$T/photo.png") ;; esac
	expect_exit 0 "print $prog $tier ($c)" "$I" print "$c" --out "$T/$c.pdf" "${ph[@]}" --as $P
	rm -f "$T"/f-*.pgm
	pdftoppm -r 300 -gray -f 1 -l 1 "$T/$c.pdf" "$T/f" 2>/dev/null
	f=$(ls "$T"/f-*.pgm 2>/dev/null | head -n 1)
	check "$prog $tier: the contact area is blank" \
	    test "$(area "$f" 2 10.25 19.87 19.23 28.55)" = blank
	check "$prog $tier: the photo is printed (not blank)" \
	    test "$(area "$f" 2 63 78 20 35)" = ink
	pdfinfo -box -f 1 -l 2 "$T/$c.pdf" >"$T/box" 2>/dev/null
	check "$prog $tier: both pages declare a TrimBox of the card inset by 2 mm" \
	    test "$(grep -cE '^Page +[12] TrimBox: +5\.67 +5\.67 +248\.31 +158\.68$' "$T/box")" = 2
	check "$prog $tier: and a BleedBox equal to the MediaBox" \
	    test "$(grep -cE '^Page +[12] (BleedBox|MediaBox): +0\.00 +0\.00 +253\.98 +164\.35$' "$T/box")" = 4
done <"$T/lines"

# 2. Other bleeds: TrimBox = MediaBox with none, 14.17 pt inside with 5 mm.
GREEN=4401000000000114
expect_exit 0 "print --bleed 0" "$I" print $GREEN --out "$T/b0.pdf" --bleed 0 --as $P
pdfinfo -box -f 1 -l 2 "$T/b0.pdf" >"$T/box" 2>/dev/null
check "no bleed: TrimBox = BleedBox = MediaBox = the card, 242.65 x 153.01 pt" \
    test "$(grep -cE '^Page +[12] (TrimBox|BleedBox|MediaBox): +0\.00 +0\.00 +242\.65 +153\.01$' "$T/box")" = 6
expect_exit 0 "print --bleed 5" "$I" print $GREEN --out "$T/b5.pdf" --bleed 5 --as $P
pdfinfo -box -f 1 -l 2 "$T/b5.pdf" >"$T/box" 2>/dev/null
check "5 mm bleed: TrimBox inset by 14.17 pt" \
    test "$(grep -cE '^Page +[12] TrimBox: +14\.17 +14\.17 +256\.82 +167\.19$' "$T/box")" = 2
check "5 mm bleed: BleedBox = MediaBox, 270.99 x 181.36 pt" \
    test "$(grep -cE '^Page +[12] (BleedBox|MediaBox): +0\.00 +0\.00 +270\.99 +181\.36$' "$T/box")" = 4

# 3. print-batch: every page of the day's PDF.
day=$("$I" card show $GREEN --json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin).get("issued", "")[:10])')
mkdir -p "$T/ph"
for s in $("$I" cards --json 2>/dev/null | python3 -c '
import json,sys
for c in json.load(sys.stdin):
    if "-" in c["tier"]: print(c["card"])'); do cp "$T/photo.png" "$T/ph/$s.png"; done
"$I" print-batch --out "$T/batch.pdf" ${day:+--date "$day"} --skip-bad --photos "$T/ph" --as $P >/dev/null 2>&1
pages=$(pdfinfo "$T/batch.pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')
if [ -n "$pages" ] && [ "$pages" -gt 0 ]; then
	pdfinfo -box -f 1 -l "$pages" "$T/batch.pdf" >"$T/box" 2>/dev/null
	check "print-batch: each of its $pages pages has the TrimBox" \
	    test "$(grep -cE '^Page +[0-9]+ TrimBox: +5\.67 +5\.67 +248\.31 +158\.68$' "$T/box")" = "$pages"
	check "print-batch: and the BleedBox" \
	    test "$(grep -cE '^Page +[0-9]+ BleedBox: +0\.00 +0\.00 +253\.98 +164\.35$' "$T/box")" = "$pages"
else
	not_ok "print-batch wrote no PDF for day '$day'"
fi

# 4. The green card A states what 002 十一(一) lists, from the form.
app=$("$I" applications --as $P 2>/dev/null | awk '$3 == "guangzhou-green" && $4 == "a" && $2 == "issued" { print $1; exit }')
"$I" application show "$app" --json --as $P >"$T/app.json" 2>/dev/null
serial_no=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["issued_serial"])' "$T/app.json")
cardno=$(awk -F'\t' -v p=guangzhou-green '$2 == p && $3 == "a" { gsub(/ /, "", $1); print $1; exit }' "$T/lines")
idfull=$(awk -F'\t' -v c="$cardno" '{ n = $1; gsub(/ /, "", n) } n == c { print $6; exit }' "$T/lines")
expect_exit 0 "print the green card A $cardno" "$I" print "$cardno" --out "$T/green.pdf" --as $P
pdftotext -f 1 -l 1 "$T/green.pdf" - 2>/dev/null | tr '\n' ' ' >"$T/front.txt"
# form KEY: the form's basic.KEY
form() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["form"]["basic"][sys.argv[2]])' "$T/app.json" "$1"; }
has() { check "$1" grep -qF -- "$2" "$T/front.txt"; }
check "the application issued card $serial_no" test -n "$serial_no"
has "the name" "$(form name)"
has "its Chinese translation" "$(form name-zh)"
has "sex, as the applicant gave it" "性别 Sex $(form sex)"
has "birth date, as the applicant gave it" "出生日期 Date of birth $(form birth-date)"
has "nationality (region)" "国籍（地区） Nationality (region) $(form nationality)"
has "the ID document type, by its name" "身份证件名称 ID"
has "  (外国护照 for a passport)" "外国护照"
has "employer" "工作单位 Employer $(form employer)"
has "residence in Guangzhou" "本市居住地 Residence in Guangzhou $(form residence)"
has "the masked ID number" "证件号码 ID No. *"
has "the validity" "有效期 Valid 20"
check "the full ID number is not on the card" sh -c '! grep -qF -- "$1" "$2"' - "$idfull" "$T/front.txt"
check "the photo is on the front page" sh -c 'pdfimages -list -f 1 -l 1 "$1" | grep -q "image"' - "$T/green.pdf"
# A change of employer and of residence reported later is on a card
# printed afterwards (the latest by the day it took effect).
CI=demo-card-issuer-1
ci_pass=$(demo_pass "$H" $CI)
TCARD_PASSPHRASE=$ci_pass expect_exit 0 "report a change of employer" \
    "$I" change "$cardno" --employer "广州黄埔示例材料有限公司" --date 2026-11-01 --as $CI
TCARD_PASSPHRASE=$ci_pass expect_exit 0 "report an earlier change of residence" \
    "$I" change "$cardno" --residence "黄埔区科学城示例路8号" --date 2026-11-10 --as $CI
TCARD_PASSPHRASE=$ci_pass expect_exit 0 "and, reported after it, one that took effect before" \
    "$I" change "$cardno" --residence "天河区旧址示例路1号" --date 2026-11-05 --as $CI
expect_exit 0 "print the green card A again" "$I" print "$cardno" --out "$T/green2.pdf" --as $P
pdftotext -f 1 -l 1 "$T/green2.pdf" - 2>/dev/null | tr '\n' ' ' >"$T/front2.txt"
check "the new employer is printed" grep -qF "工作单位 Employer 广州黄埔示例材料有限公司" "$T/front2.txt"
check "the residence that took effect last is printed" grep -qF "黄埔区科学城示例路8号" "$T/front2.txt"
check "the old employer is not" sh -c '! grep -qF -- "$1" "$2"' - "$(form employer)" "$T/front2.txt"
check "nor the residence reported last but older" sh -c '! grep -qF "天河区旧址示例路1号" "$1"' - "$T/front2.txt"
# A B card holder with a Chinese ID: sex and birth date come from the form
# too, not from the number.
bno=$(awk -F'\t' '$2 == "guangzhou-green" && $3 == "b" { gsub(/ /, "", $1); print $1; exit }' "$T/lines")
expect_exit 0 "print the green card B $bno" "$I" print "$bno" --out "$T/greenb.pdf" --as $P
check "its front shows the details block" sh -c 'pdftotext -f 1 -l 1 "$1" - | grep -q "出生日期 Date of birth"' - "$T/greenb.pdf"
# Other programmes' faces name no details.
cx=$(awk -F'\t' '$2 == "chuxiong-xingchu" { gsub(/ /, "", $1); print $1; exit }' "$T/lines")
check "a Chuxiong card's face prints no sex or birth date" \
    sh -c '! pdftotext -f 1 -l 1 "$1" - | grep -qE "性别|出生日期"' - "$T/$cx.pdf"

done_testing
