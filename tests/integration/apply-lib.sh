# SPDX-License-Identifier: MIT
# Helpers for integration scripts that need issued cards made the real way
# (apply, review, produce, issue), or the files of an application (mkid,
# mkpng, mkpdf, youyue_app): sourced after lib.sh, never run on its own
# (scripts/run-tests runs only tests/integration/[0-9]*.sh).
#
#   . "$(dirname "$0")/apply-lib.sh"
#   apply_operators ada "$ADMIN_PASSPHRASE"   # adds ap-clerk, ap-hr, ...
#   card=$(apply_green_card a "Emily Carter" "$ID" 36)   # 16-digit number
#   card=$(apply_green_card b "王晓明" "$ID2")
#
# The ID number must be a resident number (made up, with a valid check
# character); it is passed through a file, never on a command line. The
# operators use the passphrase $AP_PW. The caller's $I runs tcard-issuer
# (demo_cli when the admin is a demo operator). Each call uses the clock of the
# caller ($TCARD_NOW). Fails (returns 1, messages on stderr) when a step is
# refused.

AP_PW=${AP_PW:-'apply-lib passphrase 2026'}

# apply_operators ADMIN ADMIN_PASSPHRASE: one operator per green card role,
# each in an organisation its role belongs to: the HR reviewers (ap-clerk
# takes the applications) in the district ap-district, which is added
# first; the others in the talent office.
apply_operators() {
	local admin=$1 pass=$2 op org
	TCARD_PASSPHRASE=$pass "${I:-$TC_BIN/tcard-issuer}" organisation add district ap-district \
		--name '示例区人力资源和社会保障局' --as "$admin" >/dev/null 2>&1 ||
		{ echo "apply_operators: ap-district failed" >&2; return 1; }
	for op in ap-clerk:hr-reviewer ap-hr:hr-reviewer ap-appr:approver \
	    ap-prod:card-producer ap-iss:card-issuer; do
		org=office
		[ "${op#*:}" = hr-reviewer ] && org=ap-district
		NP=$AP_PW TCARD_PASSPHRASE=$pass "${I:-$TC_BIN/tcard-issuer}" operator add \
			"${op%%:*}" --role "${op#*:}" --organisation "$org" \
			--as "$admin" --passphrase-env NP \
			>/dev/null 2>&1 || { echo "apply_operators: ${op%%:*} failed" >&2; return 1; }
	done
}

# green_files DIR TIER NAME ID GREY NOTE: the files of a guangzhou-green
# application in DIR: photo.png (358 x 441, every pixel grey level GREY,
# 0-255), the six materials as small PDFs (each a comment naming its
# material, then NOTE) and app.json naming them all; the clause is a1-1
# for tier a, else b1.
green_files() {
	python3 - "$@" <<'PY'
import json, struct, sys, zlib
d, tier, name, idn, grey, note = sys.argv[1:7]
clause = "a1-1" if tier == "a" else "b1"
def chunk(t, b):
    return struct.pack(">I", len(b)) + t + b + struct.pack(">I", zlib.crc32(t + b) & 0xffffffff)
raw = b"".join(b"\x00" + bytes([int(grey)]) * 358 for _ in range(441))
open(d + "/photo.png", "wb").write(b"\x89PNG\r\n\x1a\n" +
    chunk(b"IHDR", struct.pack(">IIBBBBB", 358, 441, 8, 0, 0, 0, 0)) +
    chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
mats = ["application-form", "degree", "id-resident", "contract",
        "residence-proof", "clause-proof"]
for m in mats:
    open("%s/%s.pdf" % (d, m), "w").write("%%PDF-1.4\n%% %s%s\n%%%%EOF\n" % (m, note))
y, mo, da = idn[6:10], idn[10:12], idn[12:14]
app = {
    "programme": "guangzhou-green", "tier": tier, "clause": clause,
    "applicant": {"name": name, "id_type": "resident", "id_number": idn},
    "employer": {"name": "花都某某精密制造有限公司"},
    "sections": {"basic": {"birth-date": "%s-%s-%s" % (y, mo, da),
                           "residence": "广州市花都区新华街1号",
                           "nationality": "中国"}},
    "attachments": [{"material": m, "file": m + ".pdf"} for m in mats],
}
open(d + "/app.json", "w").write(json.dumps(app, ensure_ascii=False))
PY
}

# apply_green_card TIER NAME ID [MONTHS]: prints the new card's number.
apply_green_card() {
	local tier=$1 name=$2 id=$3 months=${4:-} dir app out
	dir=$(mktemp -d "${T:-/tmp}/ap.XXXXXX")
	green_files "$dir" "$tier" "$name" "$id" 255 ""
	out=$(TCARD_PASSPHRASE=$AP_PW "${I:-$TC_BIN/tcard-issuer}" apply --from "$dir/app.json" \
		--photo "$dir/photo.png" --submit --as ap-clerk 2>"$dir/err") ||
		{ cat "$dir/err" >&2; return 1; }
	app=$(printf '%s\n' "$out" | sed -n 's/^application \([0-9]*\) .*/\1/p')
	TCARD_PASSPHRASE=$AP_PW "${I:-$TC_BIN/tcard-issuer}" review "$app" --approve --as ap-hr \
		>/dev/null 2>"$dir/err" || { cat "$dir/err" >&2; return 1; }
	TCARD_PASSPHRASE=$AP_PW "${I:-$TC_BIN/tcard-issuer}" review "$app" --approve \
		${months:+--months "$months"} --as ap-appr >/dev/null 2>"$dir/err" ||
		{ cat "$dir/err" >&2; return 1; }
	TCARD_PASSPHRASE=$AP_PW "${I:-$TC_BIN/tcard-issuer}" review "$app" --approve --as ap-prod \
		>/dev/null 2>"$dir/err" || { cat "$dir/err" >&2; return 1; }
	out=$(TCARD_PASSPHRASE=$AP_PW "${I:-$TC_BIN/tcard-issuer}" issue "$app" --json --as ap-iss \
		2>"$dir/err") || { cat "$dir/err" >&2; return 1; }
	rm -rf "$dir"
	printf '%s\n' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["card_no"])'
}

# mkid PREFIX: a made-up resident ID number, PREFIX (17 digits) and its
# correct check character.
mkid() {
	python3 -c '
import sys
s = sys.argv[1]
w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
print(s + "10X98765432"[sum(int(c) * x for c, x in zip(s, w)) % 11])' "$1"
}
# mkpng W H FILE: a white PNG of W x H pixels, made with zlib and struct only.
mkpng() {
	python3 -c '
import struct, sys, zlib
w, h, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
raw = b"".join(b"\x00" + b"\xff" * w for _ in range(h))
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)) \
    + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
open(out, "wb").write(png)' "$@"
}
# mkpdf FILE NOTE: a small PDF whose comment is NOTE.
mkpdf() { printf '%%PDF-1.4\n%% %s\n%%%%EOF\n' "$2" >"$1"; }
# youyue_app FILE ID CODE EMPLOYER [ACHIEVEMENTS]: a guangdong-youyue
# application of the ID number ID for the employer (USCC CODE, name
# EMPLOYER), naming the files id.pdf, contract.pdf, tax.pdf and proof.pdf.
youyue_app() {
	cat >"$1" <<EOF
{
  "format": "talentcard-application/1",
  "programme": "guangdong-youyue",
  "employer": {"code": "$3"},
  "sections": {
    "category": {"clause": "a-1"},
    "basic": {
      "name": "王晓明", "id-type": "resident-id", "id-number": "$2",
      "nationality": "中国", "birth-date": "1985-05-12", "sex": "男",
      "id-valid-from": "2015-06-01", "id-valid-to": "permanent",
      "education": "博士研究生", "title": "正高级", "political-status": "群众",
      "employer": "$4", "position": "首席科学家",
      "field": "新材料", "employer-address": "广州市天河区科韵路1号",
      "work-type": "full-time", "social-insurance": "已参保"
    },
    "contact": {
      "mobile": "13800138000", "email": "wang.xiaoming@example.com",
      "wechat": "wxm_example", "emergency-mobile": "13900139000",
      "address": "广州市天河区某小区1栋101"
    },
    "achievements": {"text": "${5:-长期从事高分子新材料研发。}"},
    "family": [{"name": "李华", "relation": "配偶", "birth-date": "1987-02-03",
                "nationality": "中国", "employer": "广州某中学"}],
    "education": [{"from": "2003-09-01", "to": "2012-07-01", "school": "某某大学",
                   "school-location": "广州", "major": "材料学", "education": "博士研究生",
                   "degree": "博士"}],
    "work": [{"from": "2012-08-01", "to": "present", "employer": "$4",
              "location": "广州", "position": "首席科学家", "duties": "研发管理"}]
  },
  "attachments": [
    {"kind": "id-document", "file": "id.pdf"},
    {"material": "labour-contract", "file": "contract.pdf"},
    {"material": "tax-or-insurance", "file": "tax.pdf"},
    {"kind": "eligibility-proof", "file": "proof.pdf"}
  ]
}
EOF
}
