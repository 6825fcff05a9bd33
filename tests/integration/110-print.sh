#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Card faces on a demo authority: tcard-issuer print renders a card of
# every tier of every programme (sub-cards with --photo) to a two-page PDF
# of ID-1 size plus bleed (pdfinfo), and to front and back PNGs of
# round((85.60 + 2 * bleed) / 25.4 * dpi) pixels; zbarimg reads the QR
# code back from the back PNG, from the PDF rasterised by pdftoppm and
# from the e-card image, and tcard-verify says VALID for it with the
# exported trust list; a reissued card finds its photo through the card
# it replaced; a long Chinese name shrinks and a longer one is refused;
# a long foreign name takes two lines; a sub-card prints with the photo
# 'subcard add' kept; a missing photo, a PDF and a too
# small image as photo are refused with a message and no file written;
# print-batch makes one PDF of the cards of a day, refuses the day while a
# card fails unless --skip-bad, and takes photos from --photos DIR.
# Made-up people only.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/apply-lib.sh"
tc_env

need_prog "$I"
I=$(demo_cli) # demo operators sign in with their TOTP code (lib.sh)
need_cmd zbarimg pdfinfo pdftoppm python3 sqlite3
if ! fc-list | grep -q 'Noto Sans CJK SC'; then
	echo "1..0 # SKIP fonts-noto-cjk not installed"; exit 77
fi

H=$T/demo
"$I" demo --home "$H" >"$T/lines" 2>/dev/null || { echo "1..0 # SKIP demo failed"; exit 77; }
export TCARD_HOME=$H
pass() { awk -F'\t' -v n="$1" '$1 == n { print $4 }' "$H/demo-operators.txt"; }
P=demo-card-producer-1
export TCARD_PASSPHRASE=$(pass $P)
"$K" export-trust --home "$H" --out "$T/trust.cose" >/dev/null 2>&1
# VALID needs the pinned CA and a current revocation list.
PIN=$("$K" list --home "$H" | awk '$1 == "sha256" { print $2; exit }')
"$I" revocations --home "$H" --out "$T/rev.cose" >/dev/null 2>&1

# png_size FILE: "W H" from the IHDR.
png_size() {
	python3 -c 'import struct,sys; d=open(sys.argv[1],"rb").read(24); print(*struct.unpack(">II", d[16:24]))' "$1"
}
# px MM DPI: round(MM / 25.4 * DPI).
px() { python3 -c 'import sys; print(round(float(sys.argv[1]) / 25.4 * int(sys.argv[2])))' "$1" "$2"; }
# verify_qr IMAGE DESC: zbarimg reads the code and tcard-verify says VALID.
verify_qr() {
	local text
	text=$(zbarimg -q --raw "$1" 2>/dev/null | head -n 1)
	if [ -z "$text" ]; then not_ok "$2: zbarimg found no QR code"; return; fi
	if [ -x "$V" ]; then
		if "$V" --trust "$T/trust.cose" --ca-pin "$PIN" --revocations "$T/rev.cose" \
		    "$text" >"$T/v.out" 2>&1 && grep -q '^VALID$' "$T/v.out"; then
			ok "$2: the QR code verifies"
		else
			not_ok "$2: tcard-verify: $(head -n 2 "$T/v.out")"
		fi
	else
		ok "$2: QR code read (# tcard-verify not built)"
	fi
}

# A photo for cards without one, and broken ones.
python3 - "$T" <<'PY'
import struct, sys, zlib
d = sys.argv[1]
def png(path, w, h):
    def chunk(t, b):
        return struct.pack(">I", len(b)) + t + b + struct.pack(">I", zlib.crc32(t + b) & 0xffffffff)
    raw = b"".join(b"\x00" + bytes([200, 210, 225]) * w for _ in range(h))
    open(path, "wb").write(b"\x89PNG\r\n\x1a\n" +
        chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
        chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
png(d + "/photo.png", 358, 441)
png(d + "/small.png", 60, 74)
open(d + "/scan.pdf", "w").write("%PDF-1.4\n%%EOF\n")
PY

# 1. A card of every tier of every programme, as PDF.
while IFS=$'\t' read -r no prog tier name type id; do
	c=${no// /}
	ph=()
	case $tier in *-*) ph=(--photo "$T/photo.png") ;; esac
	expect_exit 0 "print $prog $tier ($c) to PDF" "$I" print "$c" --out "$T/$c.pdf" "${ph[@]}" --as $P
	pdfinfo "$T/$c.pdf" >"$T/info" 2>/dev/null
	check "$prog $tier: two pages" grep -qE '^Pages: +2$' "$T/info"
	check "$prog $tier: ID-1 plus 2 mm bleed: 253.984 x 164.353 pt" \
	    grep -qE '^Page size: +253\.98[0-9]* x 164\.35[0-9]* pts' "$T/info"
done <"$T/lines"
check "the PDF embeds the Noto CJK fonts" sh -c 'pdffonts "$1" | grep -q "NotoSansCJKsc.*yes yes"' - "$T/$(awk -F'\t' 'NR == 1 { gsub(/ /, "", $1); print $1 }' "$T/lines").pdf"

ES=$(awk -F'\t' '$2 == "baiyun-yunju" { gsub(/ /, "", $1); print $1; exit }' "$T/lines")
SM=$(awk -F'\t' '$2 == "chuxiong-xingchu" { gsub(/ /, "", $1); print $1; exit }' "$T/lines")
SUB=$(awk -F'\t' '$3 ~ /-/ { gsub(/ /, "", $1); print $1; exit }' "$T/lines")

# 2. PNG sizes, and the QR code read back and verified.
for c in "$ES" "$SM"; do
	expect_exit 0 "print $c to PNG" "$I" print "$c" --out "$T/p$c.png" --as $P
	expect_err "p$c-front.png: front" "print names the front file"
	check "front is $(px 89.60 300) x $(px 57.98 300) at 300 dpi with 2 mm bleed" \
	    test "$(png_size "$T/p$c-front.png")" = "$(px 89.60 300) $(px 57.98 300)"
	check "back has the same size" test "$(png_size "$T/p$c-back.png")" = "$(png_size "$T/p$c-front.png")"
	check "the PNGs are mode 0600" test "$(stat -c %a "$T/p$c-back.png")" = 600
	verify_qr "$T/p$c-back.png" "back PNG of $c"
done
expect_exit 0 "print --side back --dpi 600 --bleed 0" "$I" print "$ES" --out "$T/b600.png" --side back --dpi 600 --bleed 0 --as $P
check "600 dpi without bleed: $(px 85.60 600) x $(px 53.98 600)" test "$(png_size "$T/b600.png")" = "$(px 85.60 600) $(px 53.98 600)"
check "--side writes just FILE" test ! -e "$T/b600-front.png"
verify_qr "$T/b600.png" "600 dpi back"
pdftoppm -r 300 -f 2 -l 2 -png "$T/$SM.pdf" "$T/raster" 2>/dev/null
verify_qr "$(ls "$T"/raster*.png | head -n 1)" "the PDF's back page rasterised at 300 dpi"
expect_exit 0 "ecard $ES" "$I" ecard "$ES" --out "$T/e.png" --as $P
check "the e-card is 1080 x 1920" test "$(png_size "$T/e.png")" = "1080 1920"
verify_qr "$T/e.png" "e-card image"
check "print reused the stored e-card (one ecard.issue per card)" \
    test "$("$I" audit list --limit 100000 | grep -c "ecard.issue.*card:$ES")" = 1

# 3. Bad input: refused before anything is written. A sub-card made with
# 'subcard add' keeps the relative's photo (issue 17); one made before
# that (its photo document removed here) has none.
expect_exit 0 "a sub-card prints with the photo 'subcard add' kept" "$I" print "$SUB" --out "$T/subphoto.pdf" --as $P
sqlite3 "$H/registry.db" "DELETE FROM card_documents WHERE action = 'photo' AND serial = (SELECT serial FROM cards WHERE card_no = '$SUB')"
expect_exit 1 "a sub-card without a photo is refused" "$I" print "$SUB" --out "$T/nophoto.pdf" --as $P
expect_err "card $SUB has no photo" "and the message names the card"
check "no file was written" test ! -e "$T/nophoto.pdf"
expect_exit 1 "a PDF as photo is refused" "$I" print "$SUB" --out "$T/pdfphoto.png" --photo "$T/scan.pdf" --as $P
expect_err 'application/pdf; a photo for printing is a JPEG or PNG' "and says what it is"
check "no file was written" sh -c '! ls "$1"/pdfphoto* >/dev/null 2>&1' - "$T"
expect_exit 3 "a photo file that is not there is an environment failure" "$I" ecard "$SUB" --out "$T/e2.png" --photo "$T/none.png" --as $P
expect_exit 1 "a 60 x 74 photo is too small" "$I" print "$SUB" --out "$T/small.pdf" --photo "$T/small.png" --as $P
expect_err 'too small for its 22.4 x 27.6 mm box' "and says how small"
check "no file was written" test ! -e "$T/small.pdf"
expect_exit 1 "the safe margin is checked against the layout" "$I" print "$ES" --out "$T/safe.pdf" --safe 5 --as $P
expect_err 'comes within 3.00 mm of the card.s edge' "and names the box"
expect_exit 2 "another file type is a usage error" "$I" print "$ES" --out "$T/x.jpg" --as $P
expect_exit 2 "--bleed over 5 mm is a usage error" "$I" print "$ES" --out "$T/x.pdf" --bleed 6 --as $P
expect_exit 1 "print needs a producer or issuer role" env TCARD_PASSPHRASE="$(pass demo-auditor)" "$I" print "$ES" --out "$T/x.pdf" --as demo-auditor

# 4. A reissued card finds its photo through the card it replaced.
TCARD_PASSPHRASE=$(pass demo-card-issuer-1) expect_exit 0 "reissue $SM (lost)" \
    "$I" reissue "$SM" --reason lost --json --as demo-card-issuer-1
NEW=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["new_card"])' "$T/out")
expect_exit 0 "print the reissued card $NEW" "$I" print "$NEW" --out "$T/new.pdf" --as $P

# 5. Names, through real applications (green card, resident IDs).
id_of() { # id_of SEQ: a made-up resident ID number born 1990-03-07
	python3 -c '
import sys
b = "44011419900307%03d" % int(sys.argv[1])
w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
print(b + "10X98765432"[sum(int(c) * k for c, k in zip(b, w)) % 11])' "$1"
}
apply_operators demo-admin "$(pass demo-admin)" || not_ok "apply_operators"
LONG=欧阳司马慕容诸葛长孙上官公孙皇甫令狐
C1=$(apply_green_card b "$LONG" "$(id_of 111)")
check "a card for a 18-character name" test -n "$C1"
expect_exit 0 "a long Chinese name is printed" "$I" print "$C1" --out "$T/long.pdf" --as $P
C2=$(apply_green_card b "$LONG$LONG" "$(id_of 113)")
expect_exit 1 "a 36-character name is refused" "$I" print "$C2" --out "$T/toolong.pdf" --as $P
expect_err "does not fit on the card even at the smallest size, 7 pt" "and says it does not fit"
check "no file was written" test ! -e "$T/toolong.pdf"
C3=$(apply_green_card b "Maximilian Alexander von Hohenzollern-Sigmaringen" "$(id_of 115)")
expect_exit 0 "a long foreign name is printed on two lines" "$I" print "$C3" --out "$T/foreign.png" --side front --as $P

# 6. print-batch: today's cards (the reissued one and the three above).
expect_exit 1 "print-batch refuses the day while a card fails" "$I" print-batch --out "$T/day.pdf" --as $P
expect_err "1 of 4 cards of 2026-11-21 refused" "and counts the refused cards"
expect_err "card $C2: the name" "and names the card"
check "no batch file was written" sh -c '! ls "$1"/day.pdf* >/dev/null 2>&1' - "$T"
expect_exit 1 "--skip-bad prints the others (exit 1: one left out)" "$I" print-batch --out "$T/day.pdf" --skip-bad --as $P
expect_err "day.pdf: 3 cards, 6 pages \(2026-11-21\); 1 refused" "and says what it printed"
check "the batch PDF has 6 pages" sh -c 'pdfinfo "$1" | grep -qE "^Pages: +6$"' - "$T/day.pdf"
DAY=$("$I" card show "$SUB" --json | python3 -c 'import json,sys,time; j=json.load(sys.stdin); print(j.get("issued", "")[:10])')
mkdir -p "$T/photos"
cp "$T/photo.png" "$T/photos/$SUB.png"
for s in $("$I" cards --json | python3 -c '
import json,sys
for c in json.load(sys.stdin):
    if "-" in c["tier"]: print(c["card"])'); do cp "$T/photo.png" "$T/photos/$s.png"; done
if [ -n "$DAY" ]; then
	expect_exit 0 "print-batch --date $DAY --photos DIR" "$I" print-batch --date "$DAY" --photos "$T/photos" --out "$T/subs.pdf" --as $P
	expect_err "subs.pdf: [0-9]+ cards" "the sub-cards' day is printed"
else
	ok "# SKIP card show --json gives no issue date"
fi
expect_exit 1 "a day without cards" "$I" print-batch --date 2020-01-01 --out "$T/none.pdf" --as $P
expect_err "no live card was issued on 2020-01-01" "says so"
expect_exit 2 "a bad --date is a usage error" "$I" print-batch --date 2026-02-30 --out "$T/x.pdf" --as $P
done_testing
