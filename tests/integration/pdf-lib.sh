# SPDX-License-Identifier: MIT
# A green-card application whose materials are made-up PDFs
# (pdf-samples.py): a real 12-page document as the application form, and
# five hostile ones, for the console's PDF viewer (175, 173).
# Usage (after lib.sh and issuerd-lib.sh): A=$(pdf_app [ID_NUMBER])
_pdf_samples=$(dirname "${BASH_SOURCE[0]}")/pdf-samples.py

# pdf_app [ID]: applies and submits it as demo-clerk for a made-up
# applicant with resident ID number ID (default 110101198506150019);
# prints its number.
pdf_app() {
	local d=$T/pa.$RANDOM out
	mkdir -p "$d"
	python3 "$_pdf_samples" real 12 "$d/application-form.pdf" &&
		python3 "$_pdf_samples" truncated "$d/degree.pdf" &&
		python3 "$_pdf_samples" encrypted "$d/id-resident.pdf" &&
		python3 "$_pdf_samples" pagebomb "$d/contract.pdf" &&
		python3 "$_pdf_samples" notpdf "$d/residence-proof.pdf" &&
		python3 "$_pdf_samples" spin "$d/clause-proof.pdf" || return 1
	python3 - "$d" "${1:-110101198506150019}" <<'PY'
import json, struct, sys, zlib
d, idn = sys.argv[1:3]
def chunk(t, b):
    return struct.pack(">I", len(b)) + t + b + struct.pack(">I", zlib.crc32(t + b) & 0xffffffff)
raw = b"".join(b"\x00" + b"\x80" * 358 for _ in range(441))
open(d + "/photo.png", "wb").write(b"\x89PNG\r\n\x1a\n" +
    chunk(b"IHDR", struct.pack(">IIBBBBB", 358, 441, 8, 0, 0, 0, 0)) +
    chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
mats = ["application-form", "degree", "id-resident", "contract",
        "residence-proof", "clause-proof"]
app = {
    "programme": "guangzhou-green", "tier": "b", "clause": "b1",
    "applicant": {"name": "Pat Example", "id_type": "resident",
                  "id_number": idn},
    "employer": {"name": "花都某某精密制造有限公司"},
    "sections": {"basic": {"birth-date": "%s-%s-%s" % (idn[6:10], idn[10:12], idn[12:14]),
                           "residence": "广州市花都区新华街1号",
                           "nationality": "中国"}},
    "attachments": [{"material": m, "file": m + ".pdf"} for m in mats],
}
open(d + "/app.json", "w").write(json.dumps(app, ensure_ascii=False))
PY
	out=$(TCARD_PASSPHRASE=$(pass_of demo-clerk) "$I" apply --home "$H" \
		--from "$d/app.json" --photo "$d/photo.png" --submit \
		--as demo-clerk 2>"$d/err") || { cat "$d/err" >&2; return 1; }
	printf '%s\n' "$out" | sed -n 's/^application \([0-9]*\) .*/\1/p'
}
