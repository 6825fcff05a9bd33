/* SPDX-License-Identifier: MIT */
/*
 * tcard-vcard: a card OS behind the vsmartcard vpcd virtual reader. It
 * connects to vpcd's TCP port, answers vpcd's control bytes (power, reset,
 * ATR) and every command APDU with one of the two applets of its profile
 * (app-tcard.c, app-piv.c) as a T=0 or T=1 card (card.c), keeps the card's memory in a state file
 * (state.c), and can inject faults: a card pulled or dying at APDU N, a
 * hang, short, truncated or over-long answers, wrong status words,
 * endless 61XX / 6CXX chains and a bad R-MAC. Latency: TCP_NODELAY, one
 * send() per frame, TCP_QUICKACK re-armed after every recv() (see
 * ../shared/PCSC-TESTING.md). A few helper modes serve test scripts:
 * waiting for a reader or card through PC/SC, listing readers, and making
 * a clone of a card's data on a new card.
 */
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <openssl/evp.h>

#include "cli.h"
#include "tcard/apdu.h"
#include "tcard/err.h"
#include "tcard/pcsc.h"
#include "tcard/piv.h"
#include "tcard/profile.h"
#include "tcard/tcapp.h"
#include "vcard.h"

#define PROG	     "tcard-vcard"
#define DEFAULT_PORT 35963

static const char help[] =
    "NAME\n"
    "    tcard-vcard - an emulated talent card behind the vpcd virtual reader\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-vcard --profile piv|tcard --state FILE [--port N] [--host ADDR]\n"
    "                [--profiles DIR] [--verbose] [FAULT...]\n"
    "    tcard-vcard --clone-from FILE --state NEWFILE [--profiles DIR]\n"
    "    tcard-vcard --wait-reader NAME [--absent] [--timeout SEC]\n"
    "    tcard-vcard --list-readers\n"
    "    tcard-vcard --hold-reader NAME [--timeout SEC]\n"
    "\n"
    "DESCRIPTION\n"
    "    Emulates one smart card of a card profile (firmware-profiles/): the\n"
    "    tcard applet (docs/card-tcard.md) or a PIV card (docs/card-piv.md).\n"
    "    It connects to the vsmartcard vpcd driver of pcscd on ADDR:N (a\n"
    "    reader.conf line 'DEVICENAME /dev/null:35963' gives the readers\n"
    "    'Virtual PCD 00 00' on port 35963 and 'Virtual PCD 00 01' on 35964),\n"
    "    which inserts the card into that reader; ending the process removes\n"
    "    it. The card's memory lives in FILE, written after every command\n"
    "    that changes it, so the card survives restarts; a FILE that does not\n"
    "    exist is a blank card fresh from the factory, with a unique id of its\n"
    "    own and the profile's factory keys.\n"
    "\n"
    "    --clone-from makes NEWFILE a copy of the data of the personalised\n"
    "    card in FILE on another card (another unique id and key pair), as an\n"
    "    attacker copying a card would; a verifier must refuse it.\n"
    "    --wait-reader waits through PC/SC until reader NAME exists and holds\n"
    "    a card (or, with --absent, holds none); --list-readers prints the\n"
    "    readers; --hold-reader connects to the card in NAME exclusively,\n"
    "    prints 'holding NAME' and keeps it until standard input ends. They\n"
    "    are for scripts.\n"
    "\n"
    "OPTIONS\n"
    "    --profile NAME     piv or tcard (a profile of the profile directory)\n"
    "    --state FILE       the card's memory\n"
    "    --port N           vpcd's port (default 35963)\n"
    "    --host ADDR        vpcd's address (default 127.0.0.1)\n"
    "    --profiles DIR     profile directory (default $TCARD_PROFILES or\n"
    "                       the shipped firmware-profiles/)\n"
    "    --verbose          one line per APDU on standard error\n"
    "    --connect-timeout SEC  how long to retry connecting to vpcd (default 30)\n"
    "    --timeout SEC      with --wait-reader (default 10)\n"
    "\n"
    "FAULTS (N counts command APDUs from 1, GET RESPONSE included)\n"
    "    --exit-at N        exit at APDU N without executing or answering it\n"
    "                       (the card pulled)\n"
    "    --die-after N      execute APDU N, then exit without answering\n"
    "                       (pulled after the card acted: the answer is lost)\n"
    "    --hang-at N        stop answering at APDU N (until killed)\n"
    "    --short-at N       answer APDU N with a single byte\n"
    "    --truncate-at N    answer APDU N with half its data and the status\n"
    "    --long-at N        answer APDU N with 300 bytes more than due\n"
    "    --sw-at N:XXXX     answer APDU N with status word XXXX only\n"
    "    --loop61-at N      from APDU N on, answer everything with 16 bytes\n"
    "                       and 6110 (an endless GET RESPONSE chain)\n"
    "    --loop6c-at N      from APDU N on, answer everything with 6C10\n"
    "    --bad-mac-at N     corrupt the R-MAC of the answer to APDU N\n"
    "\n"
    "EXIT STATUS\n"
    "    0 vpcd closed the connection, or a fault ended the card; 1 a wait\n"
    "    timed out; 2 usage error; 3 environment (state file, vpcd, pcscd,\n"
    "    profiles); 4 internal error.\n"
    "\n"
    "EXAMPLES\n"
    "    tcard-vcard --profile tcard --state card1.json &\n"
    "    tcard-vcard --wait-reader 'Virtual PCD 00 00' --timeout 10\n"
    "    tcard-vcard --profile piv --state piv.json --port 35964 --exit-at 7\n"
    "    tcard-vcard --clone-from card1.json --state clone.json\n";

enum {
	O_PROFILE = 256,
	O_STATE,
	O_PORT,
	O_HOST,
	O_PROFILES,
	O_VERBOSE,
	O_CONNECT_TIMEOUT,
	O_TIMEOUT,
	O_EXIT_AT,
	O_DIE_AFTER,
	O_HANG_AT,
	O_SHORT_AT,
	O_TRUNCATE_AT,
	O_LONG_AT,
	O_SW_AT,
	O_LOOP61_AT,
	O_LOOP6C_AT,
	O_BAD_MAC_AT,
	O_CLONE_FROM,
	O_WAIT_READER,
	O_ABSENT,
	O_LIST_READERS,
	O_HOLD_READER,
	O_HELP,
};

struct faults {
	unsigned long exit_at, die_after, hang_at, short_at, truncate_at,
	    long_at, sw_at, loop61_at, loop6c_at, bad_mac_at;
	uint16_t sw;
};

static int verbose;

static void logf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
logf_(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	va_start(ap, fmt);
	fprintf(stderr, PROG ": ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static int
usage(const char *msg)
{
	fprintf(stderr, PROG ": %s\nTry '" PROG " --help'.\n", msg);
	return TC_EXIT_USAGE;
}

static int
parse_n(const char *s, unsigned long *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || end == s || v == 0 || *s == '-')
		return -1;
	*out = v;
	return 0;
}

/* vpcd framing. */

static void
quickack(int fd)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
}

static int
read_full(int fd, uint8_t *p, size_t n)
{
	ssize_t r;

	while (n > 0) {
		r = recv(fd, p, n, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		quickack(fd);
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

static int
send_frame(int fd, const uint8_t *p, size_t n)
{
	static uint8_t buf[2 + 65535];
	size_t off = 0;
	ssize_t w;

	if (n == 0 || n > 65535)
		return -1;
	buf[0] = (uint8_t)(n >> 8);
	buf[1] = (uint8_t)n;
	memcpy(buf + 2, p, n);
	while (off < n + 2) {
		w = send(fd, buf + off, n + 2 - off, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		off += (size_t)w;
	}
	return 0;
}

static int
connect_vpcd(const char *host, int port, int timeout_s)
{
	struct sockaddr_in sa;
	struct timespec ts = { 0, 50 * 1000000L };
	time_t until = time(NULL) + timeout_s;
	int fd, one = 1;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1)
		return -2;
	for (;;) {
		if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
			return -1;
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			break;
		close(fd);
		if (time(NULL) >= until)
			return -1;
		nanosleep(&ts, NULL);
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	quickack(fd);
	return fd;
}

struct session {
	struct vcard *vc;
	struct faults f;
	unsigned long n;       /* APDUs so far */
	struct tc_buf pending; /* response chaining */
	size_t pending_off;
	int looping61, looping6c;
};

static void
put_sw(struct tc_buf *out, uint16_t sw)
{
	tc_buf_put_u16be(out, sw);
}

/*
 * Answers one command frame into out. Returns 0 to send out, 1 to exit
 * without answering, 2 to hang.
 */
static int
handle(struct session *s, const uint8_t *cmd, size_t n, struct tc_buf *out)
{
	struct vcard *vc = s->vc;
	struct tc_apdu a;
	struct tc_buf data;
	char perr[160], serr[256];
	size_t give, le, left;
	uint16_t sw;

	memset(&a, 0, sizeof(a));
	s->n++;
	if (s->f.exit_at == s->n) {
		logf_("fault: card pulled at APDU %lu", s->n);
		return 1;
	}
	if (s->f.hang_at == s->n) {
		logf_("fault: hanging at APDU %lu", s->n);
		return 2;
	}
	if (s->f.loop61_at && s->n >= s->f.loop61_at) {
		static const uint8_t junk[16];

		tc_buf_put(out, junk, sizeof(junk));
		put_sw(out, 0x6110);
		return 0;
	}
	if (s->f.loop6c_at && s->n >= s->f.loop6c_at) {
		put_sw(out, 0x6C10);
		return 0;
	}
	tc_buf_init(&data, TC_APDU_RESP_MAX);
	vc->wrapped = 0;
	if (tc_apdu_parse(&a, cmd, n, perr, sizeof(perr)) != 0) {
		logf_("#%lu unparsable command: %s", s->n, perr);
		sw = TC_SW_WRONG_LENGTH;
		goto answer;
	}
	if (a.ins == 0xC0 && a.cla == 0x00) {
		/* GET RESPONSE: the next part of a long answer. */
		left = s->pending.len - s->pending_off;
		if (left == 0) {
			sw = TC_SW_CONDITIONS;
			goto answer;
		}
		le = a.ne > 0 ? a.ne : TC_APDU_SHORT_NE;
		give = left < le ? left : le;
		tc_buf_put(out, s->pending.data + s->pending_off, give);
		s->pending_off += give;
		left -= give;
		if (left == 0) {
			tc_buf_reset(&s->pending);
			s->pending_off = 0;
			sw = TC_SW_OK;
		} else
			sw = (uint16_t)(0x6100 | (left >= 256 ? 0 : left));
		put_sw(out, sw);
		logf_("#%lu GET RESPONSE -> %zu bytes, %04X", s->n, give, sw);
		tc_buf_release(&data);
		return 0;
	}
	tc_buf_reset(&s->pending);
	s->pending_off = 0;
	sw = vcard_command(vc, &a, &data);
	if (vc->dirty) {
		if (vcard_state_save(
			&vc->st, vc->state_path, serr, sizeof(serr)) != 0) {
			fprintf(stderr, PROG ": %s\n", serr);
			tc_buf_reset(&data);
			sw = TC_SW_MEMORY_FAILURE;
		}
		vc->dirty = 0;
	}
	logf_("#%lu %02X %02X %02X %02X Nc=%zu Ne=%zu -> %04X, %zu bytes", s->n,
	    a.cla, a.ins, a.p1, a.p2, a.nc, a.ne, sw, data.len);
answer:
	if (s->f.die_after == s->n) {
		logf_("fault: card pulled after executing APDU %lu", s->n);
		tc_buf_release(&data);
		return 1;
	}
	if (s->f.bad_mac_at == s->n && vc->wrapped && data.len >= 8) {
		logf_("fault: bad R-MAC at APDU %lu", s->n);
		data.data[data.len - 1] ^= 0x01;
	}
	if (s->f.sw_at == s->n) {
		logf_("fault: status %04X at APDU %lu", s->f.sw, s->n);
		tc_buf_reset(&data);
		sw = s->f.sw;
	}
	if (s->f.truncate_at == s->n) {
		logf_("fault: truncated answer at APDU %lu", s->n);
		tc_buf_truncate(&data, data.len / 2);
	}
	if (s->f.long_at == s->n) {
		static uint8_t extra[300];

		logf_("fault: over-long answer at APDU %lu", s->n);
		memset(extra, 0xEE, sizeof(extra));
		tc_buf_put(&data, extra, sizeof(extra));
		tc_buf_put(out, data.data, data.len);
		put_sw(out, sw);
		tc_buf_release(&data);
		return 0;
	}
	/* At most Ne bytes now (see card.c), 61XX for the rest. */
	vcard_answer(
	    vc->proto, a.ne, data.data, data.len, sw, out, &s->pending);
	s->pending_off = 0;
	if (s->f.short_at == s->n) {
		logf_("fault: one-byte answer at APDU %lu", s->n);
		tc_buf_truncate(out, 1);
	}
	tc_buf_release(&data);
	return 0;
}

static int
run(struct vcard *vc, const char *host, int port, int ctimeout,
    const struct faults *f)
{
	struct session s;
	struct tc_buf out;
	uint8_t hdr[2], *frame;
	size_t len;
	int fd, r;

	if ((fd = connect_vpcd(host, port, ctimeout)) < 0) {
		fprintf(stderr, PROG ": cannot connect to vpcd at %s:%d: %s\n",
		    host, port, fd == -2 ? "bad address" : strerror(errno));
		return TC_EXIT_ENV;
	}
	logf_("connected to vpcd at %s:%d (card inserted)", host, port);
	memset(&s, 0, sizeof(s));
	s.vc = vc;
	s.f = *f;
	tc_buf_init(&s.pending, TC_APDU_RESP_MAX);
	tc_buf_init(&out, TC_APDU_RESP_MAX + 512);
	if ((frame = malloc(65536)) == NULL)
		return TC_EXIT_INTERNAL;
	for (;;) {
		if (read_full(fd, hdr, 2) != 0)
			break;
		len = (size_t)hdr[0] << 8 | hdr[1];
		if (len == 0 || read_full(fd, frame, len) != 0)
			break;
		if (len == 1) {
			switch (frame[0]) {
			case 0x00: /* power off */
			case 0x01: /* power on */
			case 0x02: /* reset */
				vcard_reset(vc);
				tc_buf_reset(&s.pending);
				break;
			case 0x04: /* ATR */
				if (send_frame(fd, vc->profile->atr,
					vc->profile->atr_len) != 0)
					goto closed;
				break;
			}
			continue;
		}
		tc_buf_reset(&out);
		r = handle(&s, frame, len, &out);
		if (r == 1)
			break;
		if (r == 2)
			for (;;)
				pause();
		if (out.len > 65535)
			tc_buf_truncate(&out, 65535);
		if (send_frame(fd, out.data, out.len) != 0)
			break;
	}
closed:
	logf_("connection closed after %lu APDUs (card removed)", s.n);
	close(fd);
	free(frame);
	tc_buf_release(&out);
	tc_buf_release(&s.pending);
	return TC_EXIT_OK;
}

/* --clone-from: the data of a personalised card on a new chip. */
static int
make_clone(const struct tc_profile_set *set, const char *from, const char *to)
{
	struct vcard_state src, dst;
	const struct tc_profile *p;
	struct vcard_object *o;
	EVP_PKEY *k = NULL;
	char err[512];
	size_t i;
	int r;

	vcard_state_init(&src);
	vcard_state_init(&dst);
	if ((r = vcard_state_load(&src, from, err, sizeof(err))) != 0) {
		if (r == TC_ERR_NOT_FOUND)
			snprintf(err, sizeof(err), "%s: no such file", from);
		goto fail;
	}
	if ((p = tc_profile_set_find(set, src.profile)) == NULL) {
		snprintf(err, sizeof(err), "%s: unknown profile %s", from,
		    src.profile);
		r = TC_ERR_NOT_FOUND;
		goto fail;
	}
	if ((r = vcard_state_factory(&dst, p, err, sizeof(err))) != 0)
		goto fail;
	if (vcard_keygen(src.key_alg == TC_TCAPP_ALG_SM2 ? 2 : 1, &k) != 0) {
		r = TC_ERR_CRYPTO;
		snprintf(err, sizeof(err), "key generation failed");
		goto fail;
	}
	dst.key = k;
	dst.key_alg = src.key_alg;
	if (p->platform == TC_PLATFORM_TCARD) {
		dst.t_state = src.t_state;
		tc_buf_put(&dst.cred, src.cred.data, src.cred.len);
	} else
		for (i = 0; i < src.nobj; i++) {
			o = &src.obj[i];
			if (o->tag == TC_PIV_TAG_CHUID ||
			    o->tag == TC_PIV_TAG_CCC)
				continue;
			vcard_object_set(
			    &dst, o->tag, o->data.data, o->data.len);
		}
	r = vcard_state_save(&dst, to, err, sizeof(err));
fail:
	vcard_state_release(&src);
	vcard_state_release(&dst);
	if (r != 0) {
		fprintf(stderr, PROG ": clone: %s\n", err);
		return TC_EXIT_ENV;
	}
	return TC_EXIT_OK;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "profile", required_argument, NULL, O_PROFILE },
		{ "state", required_argument, NULL, O_STATE },
		{ "port", required_argument, NULL, O_PORT },
		{ "host", required_argument, NULL, O_HOST },
		{ "profiles", required_argument, NULL, O_PROFILES },
		{ "verbose", no_argument, NULL, O_VERBOSE },
		{ "connect-timeout", required_argument, NULL,
		    O_CONNECT_TIMEOUT },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		{ "exit-at", required_argument, NULL, O_EXIT_AT },
		{ "die-after", required_argument, NULL, O_DIE_AFTER },
		{ "hang-at", required_argument, NULL, O_HANG_AT },
		{ "short-at", required_argument, NULL, O_SHORT_AT },
		{ "truncate-at", required_argument, NULL, O_TRUNCATE_AT },
		{ "long-at", required_argument, NULL, O_LONG_AT },
		{ "sw-at", required_argument, NULL, O_SW_AT },
		{ "loop61-at", required_argument, NULL, O_LOOP61_AT },
		{ "loop6c-at", required_argument, NULL, O_LOOP6C_AT },
		{ "bad-mac-at", required_argument, NULL, O_BAD_MAC_AT },
		{ "clone-from", required_argument, NULL, O_CLONE_FROM },
		{ "wait-reader", required_argument, NULL, O_WAIT_READER },
		{ "absent", no_argument, NULL, O_ABSENT },
		{ "list-readers", no_argument, NULL, O_LIST_READERS },
		{ "hold-reader", required_argument, NULL, O_HOLD_READER },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 },
	};
	struct tc_profile_set set;
	struct faults f;
	struct vcard vc;
	const char *profile = NULL, *state = NULL, *host = "127.0.0.1";
	const char *pdir = NULL, *clone = NULL, *wait = NULL, *hold = NULL;
	unsigned long port = DEFAULT_PORT, ctimeout = 30, timeout = 10, v;
	char err[512], *colon;
	int ch, absent = 0, list = 0, r, status;

	memset(&f, 0, sizeof(f));
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		unsigned long *slot = NULL;

		switch (ch) {
		case O_PROFILE:
			profile = optarg;
			break;
		case O_STATE:
			state = optarg;
			break;
		case O_HOST:
			host = optarg;
			break;
		case O_PROFILES:
			pdir = optarg;
			break;
		case O_VERBOSE:
			verbose = 1;
			break;
		case O_CLONE_FROM:
			clone = optarg;
			break;
		case O_WAIT_READER:
			wait = optarg;
			break;
		case O_ABSENT:
			absent = 1;
			break;
		case O_LIST_READERS:
			list = 1;
			break;
		case O_HOLD_READER:
			hold = optarg;
			break;
		case O_HELP:
			fputs(help, stdout);
			return TC_EXIT_OK;
		case O_PORT:
			if (parse_n(optarg, &port) != 0 || port > 65535)
				return usage("--port: expected 1 to 65535");
			break;
		case O_CONNECT_TIMEOUT:
			if (parse_n(optarg, &ctimeout) != 0 || ctimeout > 3600)
				return usage(
				    "--connect-timeout: 1 to 3600 seconds");
			break;
		case O_TIMEOUT:
			if (parse_n(optarg, &timeout) != 0 || timeout > 3600)
				return usage("--timeout: 1 to 3600 seconds");
			break;
		case O_SW_AT:
			if ((colon = strchr(optarg, ':')) == NULL ||
			    strlen(colon + 1) != 4)
				return usage("--sw-at: expected N:XXXX");
			*colon = '\0';
			if (parse_n(optarg, &f.sw_at) != 0 ||
			    sscanf(colon + 1, "%4lx", &v) != 1)
				return usage("--sw-at: expected N:XXXX");
			f.sw = (uint16_t)v;
			break;
		case O_EXIT_AT:
			slot = &f.exit_at;
			break;
		case O_DIE_AFTER:
			slot = &f.die_after;
			break;
		case O_HANG_AT:
			slot = &f.hang_at;
			break;
		case O_SHORT_AT:
			slot = &f.short_at;
			break;
		case O_TRUNCATE_AT:
			slot = &f.truncate_at;
			break;
		case O_LONG_AT:
			slot = &f.long_at;
			break;
		case O_LOOP61_AT:
			slot = &f.loop61_at;
			break;
		case O_LOOP6C_AT:
			slot = &f.loop6c_at;
			break;
		case O_BAD_MAC_AT:
			slot = &f.bad_mac_at;
			break;
		default:
			return usage("unknown option or missing value");
		}
		if (slot != NULL && parse_n(optarg, slot) != 0)
			return usage("a fault needs an APDU number N >= 1");
	}
	if (optind != argc)
		return usage("no arguments are taken");
	if (list) {
		struct tc_buf names;

		tc_buf_init(&names, 65536);
		if ((r = tc_pcsc_readers(&names, 5000, err, sizeof(err))) !=
		    0) {
			fprintf(stderr, PROG ": %s\n", err);
			tc_buf_release(&names);
			return TC_EXIT_ENV;
		}
		fwrite(names.data, 1, names.len, stdout);
		tc_buf_release(&names);
		return TC_EXIT_OK;
	}
	if (hold != NULL) {
		struct tc_icc_opts io = { (int)timeout * 1000, 0, 1 };
		struct tc_icc *icc = NULL;
		char line[8];

		if ((r = tc_icc_open_pcsc(&icc, hold, &io, err, sizeof(err))) !=
		    0) {
			fprintf(stderr, PROG ": %s\n", err);
			return TC_EXIT_ENV;
		}
		printf("holding %s\n", tc_icc_name(icc));
		fflush(stdout);
		while (fgets(line, sizeof(line), stdin) != NULL)
			;
		tc_icc_close(icc);
		return TC_EXIT_OK;
	}
	if (wait != NULL) {
		r = tc_pcsc_wait(
		    wait, !absent, (int)timeout * 1000, err, sizeof(err));
		if (r == 0)
			return TC_EXIT_OK;
		fprintf(stderr, PROG ": %s\n", err);
		return r == TC_ERR_CARD_TIMEOUT || r == TC_ERR_NO_READER
		    ? TC_EXIT_REFUSED
		    : TC_EXIT_ENV;
	}
	if (state == NULL)
		return usage("--state FILE is needed");
	if ((r = tc_profile_set_load(
		 &set, tc_profile_dir(pdir), err, sizeof(err))) != 0) {
		fprintf(stderr, PROG ": %s\n", err);
		return TC_EXIT_ENV;
	}
	if (clone != NULL) {
		status = make_clone(&set, clone, state);
		tc_profile_set_release(&set);
		return status;
	}
	memset(&vc, 0, sizeof(vc));
	vcard_state_init(&vc.st);
	tc_buf_init(&vc.chain, VCARD_CHAIN_MAX);
	vc.state_path = state;
	status = TC_EXIT_ENV;
	r = vcard_state_load(&vc.st, state, err, sizeof(err));
	if (r == TC_ERR_NOT_FOUND) {
		if (profile == NULL) {
			status = usage("a new card needs --profile");
			goto out;
		}
		if ((vc.profile = tc_profile_set_find(&set, profile)) == NULL) {
			fprintf(stderr, PROG ": no profile '%s'\n", profile);
			goto out;
		}
		if ((r = vcard_state_factory(
			 &vc.st, vc.profile, err, sizeof(err))) != 0 ||
		    (r = vcard_state_save(&vc.st, state, err, sizeof(err))) !=
			0) {
			fprintf(stderr, PROG ": %s\n", err);
			goto out;
		}
	} else if (r != 0) {
		fprintf(stderr, PROG ": %s\n", err);
		goto out;
	} else {
		if (profile != NULL && strcmp(profile, vc.st.profile) != 0) {
			fprintf(stderr, PROG ": %s holds a %s card, not %s\n",
			    state, vc.st.profile, profile);
			goto out;
		}
		if ((vc.profile = tc_profile_set_find(&set, vc.st.profile)) ==
		    NULL) {
			fprintf(
			    stderr, PROG ": no profile '%s'\n", vc.st.profile);
			goto out;
		}
	}
	vc.proto = vcard_protocol(vc.profile);
	status = run(&vc, host, (int)port, (int)ctimeout, &f);
out:
	vcard_reset(&vc);
	tc_buf_release(&vc.chain);
	vcard_state_release(&vc.st);
	tc_profile_set_release(&set);
	return status;
}
