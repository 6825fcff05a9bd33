#!/bin/bash
# SPDX-License-Identifier: MIT
# tcard-pdf-render (office/pdf-render.c), the program the web worker starts
# for each PDF page, run by hand: bad arguments refused with the usage
# message (status 2); a real PDF's page count and a page as replies
# (TPV1 header, kind, pages); a PDF over TC_ATTACH_MAX refused in a reply;
# while it renders, /proc shows it under a seccomp filter with no new
# privileges. Its filter, seen from inside: a preloaded library replaces
# poppler_document_new_from_bytes (the first call on the PDF's bytes,
# after the filter is in place) and makes one forbidden call there —
# socket, an open for writing, execve, fork, kill of another process, a
# writable and executable mapping, a write to a descriptor other than 1
# and 2 — each kills the renderer with SIGSYS (status 159) before any
# reply; a read-only open, and no call at all, render as usual (the
# library is in place and the filter lets the render through).
. "$(dirname "$0")/lib.sh"
echo "1..22"
R=$TC_BIN/tcard-pdf-render
SAMPLES=$(dirname "$0")/pdf-samples.py
python3 "$SAMPLES" real 3 "$T/real.pdf" && python3 "$SAMPLES" spin "$T/spin.pdf" ||
	{ echo "Bail out! pdf-samples.py"; exit 1; }

expect_exit 2 "no argument: status 2" "$R"
expect_err '^tcard-pdf-render: usage: tcard-pdf-render PAGE' "with the usage message"
for a in 01 -1 x 10000 "1 2"; do
	# shellcheck disable=SC2086
	expect_exit 2 "page argument '$a' refused" "$R" $a
done

# head_of FILE: the reply header's kind, page count and length, as
# "KIND PAGES LEN" (big-endian u32s after "TPV1").
head_of() {
	python3 -c 'import struct, sys
b = open(sys.argv[1], "rb").read()
assert b[:4] == b"TPV1", b[:16]
print(*struct.unpack(">III", b[4:16]))' "$1"
}
"$R" 0 <"$T/real.pdf" >"$T/r0"
check "page 0 counts the pages: a PAGES reply of 3" test "$(head_of "$T/r0")" = "1 3 0"
"$R" 2 <"$T/real.pdf" >"$T/r2"
check "page 2: a PNG reply of a 3-page PDF" bash -c "set -- \$(python3 -c 'import struct,sys; b=open(sys.argv[1],\"rb\").read(); print(*struct.unpack(\">III\", b[4:16]), len(b) - 16, b[16:20] == b\"\\x89PNG\")' '$T/r2'); test \$1 = 2 -a \$2 = 3 -a \$3 = \$4 -a \$5 = True"
head -c $((4 * 1024 * 1024 + 1)) /dev/zero >"$T/big.pdf"
"$R" 1 <"$T/big.pdf" >"$T/rbig"
check "a PDF over 4 MiB: an error reply 'too large'" bash -c "test \"\$(cut -d' ' -f1 <<<\"\$(python3 -c 'import struct,sys; b=open(sys.argv[1],\"rb\").read(); print(*struct.unpack(\">III\", b[4:16]))' '$T/rbig')\")\" = 3 && grep -q 'too large' '$T/rbig'"

# While the spinning PDF renders: its /proc status.
(ulimit -t 3; exec "$R" 1 <"$T/spin.pdf" >/dev/null) &
spin=$!
sleep 0.5
grep -E '^(Seccomp|Seccomp_filters|NoNewPrivs):' "/proc/$spin/status" >"$T/status" 2>/dev/null
kill -KILL "$spin" 2>/dev/null
wait "$spin" 2>/dev/null
check "rendering, it runs under a seccomp filter (Seccomp: 2, one filter)" \
	bash -c "grep -qP '^Seccomp:\t2$' '$T/status' && grep -qP '^Seccomp_filters:\t1$' '$T/status'"
check "with no new privileges" grep -qP '^NoNewPrivs:\t1$' "$T/status"

# The filter from inside. Under AddressSanitizer (make asan) a preloaded
# library cannot come before its runtime: skipped there.
cat >"$T/try.c" <<'C'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

/* TC_TRY names the call made where poppler would first see the PDF. */
void *poppler_document_new_from_bytes(void *bytes, const char *pw, void **err);
void *
poppler_document_new_from_bytes(void *bytes, const char *pw, void **err)
{
	void *(*real)(void *, const char *, void **) =
	    (void *(*)(void *, const char *, void **))dlsym(
		RTLD_NEXT, "poppler_document_new_from_bytes");
	const char *t = getenv("TC_TRY"), *w = getenv("TC_TRY_FILE");
	static char *const argv[] = { "true", NULL };

	write(2, "interposed\n", 11);
	if (strcmp(t, "socket") == 0)
		socket(AF_INET, SOCK_STREAM, 0);
	else if (strcmp(t, "open-write") == 0)
		open(w, O_WRONLY | O_CREAT, 0600);
	else if (strcmp(t, "execve") == 0)
		execve("/bin/true", argv, argv + 1);
	else if (strcmp(t, "fork") == 0)
		fork();
	else if (strcmp(t, "kill") == 0)
		kill(1, 0);
	else if (strcmp(t, "wx") == 0)
		mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	else if (strcmp(t, "write-fd") == 0)
		write(0, "x", 1);
	else if (strcmp(t, "open-read") == 0 && open("/etc/hostname", O_RDONLY) < 0)
		abort();
	return real(bytes, pw, err);
}
C
if ldd "$R" | grep -q libasan; then
	for i in $(seq 1 10); do ok "# SKIP the filter from inside (AddressSanitizer build)"; done
	exit $((_failed > 0))
fi
if ! cc -shared -fPIC -o "$T/try.so" "$T/try.c" -ldl 2>"$T/cc.err"; then
	for i in $(seq 1 10); do ok "# SKIP the filter from inside (no C compiler)"; done
	exit $((_failed > 0))
fi
# try CALL: renders page 1 of the real PDF with TC_TRY=CALL; status in $T/st
# (in a subshell, whose "Bad system call" goes nowhere).
try() {
	(
		TC_TRY=$1 TC_TRY_FILE=$T/written LD_PRELOAD=$T/try.so "$R" 1 \
			<"$T/real.pdf" >"$T/out" 2>"$T/err"
		echo $? >"$T/st"
	) 2>/dev/null
}
try none
check "no forbidden call: the library is in place and the page renders" \
	bash -c "test \$(cat '$T/st') = 0 && grep -qx interposed '$T/err' && test \"\$(head -c 8 '$T/out' | tail -c 4 | od -An -tx1 | tr -d ' ')\" = 00000002"
try open-read
check "a read-only open is allowed: the page renders" \
	bash -c "test \$(cat '$T/st') = 0 && test \$(stat -c %s '$T/out') -gt 1024"
for c in socket open-write execve fork kill wx write-fd; do
	try "$c"
	check "$c: killed by SIGSYS, no reply" \
		bash -c "test \$(cat '$T/st') = 159 && grep -qx interposed '$T/err' && test ! -s '$T/out'"
done
check "the open for writing created nothing" test ! -e "$T/written"
exit $((_failed > 0))
