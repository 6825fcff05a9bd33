/* SPDX-License-Identifier: MIT */
/*
 * The registry on SQLite (include/tcard/registry.h): opening with the
 * pragmas every connection needs, schema migrations through
 * PRAGMA user_version, transactions, holders and cards. The audit log is in
 * src/registry/audit.c, which uses this file (registry-int.h) and is not
 * used by it. docs/registry.md describes the schema and the personal
 * data scheme; the migration steps below are the schema's source of truth.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sqlite3.h>

#include "app-int.h"
#include "registry-int.h"
#include "tcard/buf.h"
#include "tcard/cardno.h"
#include "tcard/err.h"
#include "tcard/file.h"
#include "tcard/id.h"
#include "tcard/pii.h"
#include "tcard/registry.h"

#define BUSY_TIMEOUT_MS	  5000
#define HOLDER_AAD_PREFIX "talentcard-holder-v1:"

/*
 * The schema, one step per version: migrations[i] takes user_version i to
 * i + 1. Steps are never edited once released; a change is a new step. The
 * runner turns foreign keys off around a step so that a step can rebuild a
 * table (SQLite's twelve-step ALTER procedure), and checks
 * PRAGMA foreign_key_check before it commits.
 */
static const char *const migrations[] = {
	/* 1: holders, cards, operators, the audit log. */
	"PRAGMA application_id = 1413698119;\n" /* TC_REGISTRY_APP_ID */
	"CREATE TABLE holders (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	id_type TEXT NOT NULL CHECK (id_type <> ''),\n"
	"	id_mac BLOB NOT NULL CHECK (length(id_mac) = 32),\n"
	"	id_sealed BLOB NOT NULL CHECK (length(id_sealed) > 29),\n"
	"	id_masked TEXT NOT NULL CHECK (id_masked <> ''),\n"
	"	name TEXT NOT NULL CHECK (name <> ''),\n"
	"	created_at INTEGER NOT NULL,\n"
	"	UNIQUE (id_mac, id_type)\n"
	") STRICT;\n"
	"CREATE TABLE cards (\n"
	"	serial INTEGER PRIMARY KEY\n"
	"	    CHECK (serial BETWEEN 1 AND 999999999),\n"
	"	card_no TEXT NOT NULL UNIQUE\n"
	"	    CHECK (length(card_no) = 16 AND\n"
	"	    card_no NOT GLOB '*[^0-9]*' AND\n"
	"	    substr(card_no, 7, 9) = printf('%09d', serial)),\n"
	"	holder_id INTEGER NOT NULL REFERENCES holders (id),\n"
	"	programme TEXT NOT NULL CHECK (programme <> ''),\n"
	"	tier TEXT NOT NULL CHECK (tier <> ''),\n"
	"	status TEXT NOT NULL CHECK (status IN\n"
	"	    ('issued', 'suspended', 'revoked', 'expired')),\n"
	"	issued_at INTEGER NOT NULL,\n"
	"	expires_at INTEGER NOT NULL CHECK (expires_at > issued_at),\n"
	"	principal_serial INTEGER REFERENCES cards (serial)\n"
	"	    CHECK (principal_serial <> serial),\n"
	"	relation TEXT CHECK (relation <> ''),\n"
	"	CHECK ((principal_serial IS NULL) = (relation IS NULL))\n"
	") STRICT;\n"
	"CREATE INDEX cards_holder ON cards (holder_id);\n"
	"CREATE INDEX cards_principal ON cards (principal_serial);\n"
	"CREATE TABLE operators (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	name TEXT NOT NULL UNIQUE CHECK (name <> ''),\n"
	"	roles TEXT NOT NULL DEFAULT '',\n"
	"	pass_hash TEXT,\n"
	"	disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),\n"
	"	created_at INTEGER NOT NULL\n"
	") STRICT;\n"
	"CREATE TABLE audit (\n"
	"	seq INTEGER PRIMARY KEY CHECK (seq >= 1),\n"
	"	at INTEGER NOT NULL,\n"
	"	operator TEXT NOT NULL CHECK (operator <> ''),\n"
	"	action TEXT NOT NULL CHECK (action <> ''),\n"
	"	subject TEXT NOT NULL DEFAULT '',\n"
	"	detail TEXT NOT NULL DEFAULT '{}',\n"
	"	prev BLOB NOT NULL CHECK (length(prev) = 32),\n"
	"	mac BLOB NOT NULL CHECK (length(mac) = 32)\n"
	") STRICT;\n"
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN\n"
	"	SELECT RAISE(ABORT, 'the audit log is append-only: UPDATE refused');\n"
	"END;\n"
	"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN\n"
	"	SELECT RAISE(ABORT, 'the audit log is append-only: DELETE refused');\n"
	"END;\n"
	"CREATE TRIGGER audit_seq_next BEFORE INSERT ON audit\n"
	"WHEN NEW.seq IS NOT (SELECT coalesce(max(seq), 0) + 1 FROM audit)\n"
	"BEGIN\n"
	"	SELECT RAISE(ABORT, 'audit seq must be the last seq + 1');\n"
	"END;\n",
	/* 2: operator sign-in state (lockout), passphrase change time. */
	"ALTER TABLE operators ADD COLUMN failed_logins INTEGER NOT NULL\n"
	"    DEFAULT 0 CHECK (failed_logins >= 0);\n"
	"ALTER TABLE operators ADD COLUMN locked_until INTEGER NOT NULL\n"
	"    DEFAULT 0;\n"
	"ALTER TABLE operators ADD COLUMN pass_changed_at INTEGER;\n",
	/*
     * 3: applications and their review (docs/workflow.md), attachments
     * (sealed, content-addressed), the person blacklist, employer bars and
     * the serial counter that never goes back.
     */
	"CREATE TABLE serial_counter (\n"
	"	id INTEGER PRIMARY KEY CHECK (id = 1),\n"
	"	last INTEGER NOT NULL CHECK (last BETWEEN 0 AND 999999999)\n"
	") STRICT;\n"
	"INSERT INTO serial_counter (id, last)\n"
	"    SELECT 1, coalesce(max(serial), 0) FROM cards;\n"
	"CREATE TRIGGER serial_counter_up BEFORE UPDATE ON serial_counter\n"
	"WHEN NEW.last <= OLD.last OR NEW.id IS NOT OLD.id BEGIN\n"
	"	SELECT RAISE(ABORT, 'the serial counter only goes up');\n"
	"END;\n"
	"CREATE TRIGGER serial_counter_no_delete BEFORE DELETE ON serial_counter\n"
	"BEGIN\n"
	"	SELECT RAISE(ABORT, 'the serial counter is never deleted');\n"
	"END;\n"
	"CREATE TRIGGER serial_counter_no_insert BEFORE INSERT ON serial_counter\n"
	"BEGIN\n"
	"	SELECT RAISE(ABORT, 'the serial counter has one row');\n"
	"END;\n"
	"CREATE TRIGGER cards_serial_counter AFTER INSERT ON cards BEGIN\n"
	"	UPDATE serial_counter SET last = NEW.serial WHERE last < NEW.serial;\n"
	"END;\n"
	"CREATE TABLE applications (\n"
	"	id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"	kind TEXT NOT NULL\n"
	"	    CHECK (kind IN ('new', 'upgrade', 'convert', 'sub')),\n"
	"	card_serial INTEGER REFERENCES cards (serial),\n"
	"	relation TEXT CHECK (relation <> ''),\n"
	"	programme TEXT NOT NULL CHECK (programme <> ''),\n"
	"	tier TEXT CHECK (tier <> ''),\n"
	"	route TEXT CHECK (route <> ''),\n"
	"	clause TEXT CHECK (clause <> ''),\n"
	"	id_type TEXT NOT NULL CHECK (id_type <> ''),\n"
	"	id_mac BLOB NOT NULL CHECK (length(id_mac) = 32),\n"
	"	id_sealed BLOB NOT NULL CHECK (length(id_sealed) > 29),\n"
	"	id_masked TEXT NOT NULL CHECK (id_masked <> ''),\n"
	"	name TEXT NOT NULL CHECK (name <> ''),\n"
	"	sex TEXT CHECK (sex IN ('male', 'female')),\n"
	"	retire_base INTEGER CHECK (retire_base IN (50, 55, 60)),\n"
	"	birth_date TEXT CHECK (birth_date GLOB\n"
	"	    '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),\n"
	"	employer TEXT CHECK (employer <> ''),\n"
	"	employer_key TEXT CHECK (employer_key <> ''),\n"
	"	employer_code TEXT CHECK (length(employer_code) = 18),\n"
	"	employer_category TEXT CHECK (employer_category <> ''),\n"
	"	work_type TEXT CHECK (work_type <> ''),\n"
	"	form TEXT NOT NULL DEFAULT '{}',\n"
	"	exceptions TEXT NOT NULL DEFAULT '{}',\n"
	"	overrides TEXT NOT NULL DEFAULT '[]',\n"
	"	pledge_at INTEGER,\n"
	"	state TEXT NOT NULL CHECK (state IN ('draft', 'submitted',\n"
	"	    'returned', 'rejected', 'approved', 'issued', 'withdrawn')),\n"
	"	step INTEGER NOT NULL DEFAULT 0 CHECK (step >= 0),\n"
	"	step_id TEXT CHECK (step_id <> ''),\n"
	"	step_started_at INTEGER,\n"
	"	deadline TEXT CHECK (deadline GLOB\n"
	"	    '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),\n"
	"	months INTEGER CHECK (months > 0),\n"
	"	created_at INTEGER NOT NULL,\n"
	"	created_by TEXT NOT NULL CHECK (created_by <> ''),\n"
	"	submitted_at INTEGER,\n"
	"	decided_at INTEGER,\n"
	"	issued_serial INTEGER UNIQUE REFERENCES cards (serial),\n"
	"	CHECK ((kind = 'new') = (card_serial IS NULL)),\n"
	"	CHECK ((kind = 'sub') = (relation IS NOT NULL)),\n"
	"	CHECK ((state = 'issued') = (issued_serial IS NOT NULL))\n"
	") STRICT;\n"
	"CREATE INDEX applications_state ON applications (state, deadline);\n"
	"CREATE INDEX applications_person ON applications (id_mac, programme);\n"
	"CREATE INDEX applications_card ON applications (card_serial);\n"
	"CREATE TABLE application_steps (\n"
	"	application_id INTEGER NOT NULL REFERENCES applications (id),\n"
	"	step INTEGER NOT NULL CHECK (step >= 0),\n"
	"	step_id TEXT NOT NULL CHECK (step_id <> ''),\n"
	"	started_at INTEGER NOT NULL,\n"
	"	clock_at INTEGER NOT NULL,\n"
	"	deadline TEXT,\n"
	"	done_at INTEGER,\n"
	"	PRIMARY KEY (application_id, step)\n"
	") STRICT;\n"
	"CREATE TABLE application_actions (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	application_id INTEGER NOT NULL REFERENCES applications (id),\n"
	"	step INTEGER CHECK (step >= 0),\n"
	"	step_id TEXT CHECK (step_id <> ''),\n"
	"	action TEXT NOT NULL CHECK (action IN ('create', 'submit',\n"
	"	    'resubmit', 'approve', 'return', 'reject', 'withdraw',\n"
	"	    'issue')),\n"
	"	operator TEXT NOT NULL CHECK (operator <> ''),\n"
	"	at INTEGER NOT NULL,\n"
	"	reason TEXT CHECK (reason <> ''),\n"
	"	detail TEXT NOT NULL DEFAULT '{}',\n"
	"	CHECK ((step IS NULL) = (step_id IS NULL))\n"
	") STRICT;\n"
	"CREATE INDEX application_actions_app\n"
	"    ON application_actions (application_id, operator);\n"
	"CREATE TABLE attachment_data (\n"
	"	sha256 BLOB NOT NULL CHECK (length(sha256) = 32),\n"
	"	part INTEGER NOT NULL CHECK (part >= 0),\n"
	"	sealed BLOB NOT NULL CHECK (length(sealed) > 29),\n"
	"	PRIMARY KEY (sha256, part)\n"
	") STRICT;\n"
	"CREATE TABLE attachments (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	application_id INTEGER NOT NULL REFERENCES applications (id),\n"
	"	kind TEXT NOT NULL CHECK (kind IN ('photo', 'id-document',\n"
	"	    'contract', 'tax-or-social-insurance', 'eligibility-proof',\n"
	"	    'cooperation-agreement', 'unit-certificate', 'other')),\n"
	"	material TEXT CHECK (material <> ''),\n"
	"	sha256 BLOB NOT NULL CHECK (length(sha256) = 32),\n"
	"	media_type TEXT NOT NULL CHECK (media_type IN ('image/gif',\n"
	"	    'image/jpeg', 'image/png', 'application/pdf',\n"
	"	    'application/msword',\n"
	"	    'application/vnd.openxmlformats-officedocument.wordprocessingml.document')),\n"
	"	size INTEGER NOT NULL CHECK (size BETWEEN 1 AND 4194304),\n"
	"	width INTEGER CHECK (width > 0),\n"
	"	height INTEGER CHECK (height > 0),\n"
	"	name TEXT NOT NULL CHECK (name <> ''),\n"
	"	added_at INTEGER NOT NULL,\n"
	"	added_by TEXT NOT NULL CHECK (added_by <> ''),\n"
	"	UNIQUE (application_id, sha256, kind)\n"
	") STRICT;\n"
	"CREATE INDEX attachments_app ON attachments (application_id);\n"
	"CREATE TABLE blacklist (\n"
	"	id_mac BLOB PRIMARY KEY CHECK (length(id_mac) = 32),\n"
	"	id_masked TEXT NOT NULL CHECK (id_masked <> ''),\n"
	"	reason TEXT NOT NULL CHECK (reason <> ''),\n"
	"	programme TEXT CHECK (programme <> ''),\n"
	"	source TEXT CHECK (source <> ''),\n"
	"	card_serial INTEGER REFERENCES cards (serial),\n"
	"	application_id INTEGER REFERENCES applications (id),\n"
	"	until TEXT CHECK (until GLOB\n"
	"	    '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),\n"
	"	added_at INTEGER NOT NULL,\n"
	"	added_by TEXT NOT NULL CHECK (added_by <> '')\n"
	") STRICT;\n"
	"CREATE TABLE employer_bars (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	employer TEXT NOT NULL CHECK (employer <> ''),\n"
	"	employer_key TEXT NOT NULL CHECK (employer_key <> ''),\n"
	"	employer_code TEXT CHECK (length(employer_code) = 18),\n"
	"	since TEXT NOT NULL CHECK (since GLOB\n"
	"	    '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),\n"
	"	until TEXT NOT NULL CHECK (until GLOB\n"
	"	    '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND until > since),\n"
	"	reason TEXT NOT NULL CHECK (reason <> ''),\n"
	"	programme TEXT CHECK (programme <> ''),\n"
	"	source TEXT CHECK (source <> ''),\n"
	"	card_serial INTEGER REFERENCES cards (serial),\n"
	"	added_at INTEGER NOT NULL,\n"
	"	added_by TEXT NOT NULL CHECK (added_by <> '')\n"
	") STRICT;\n"
	"CREATE INDEX employer_bars_code ON employer_bars (employer_code);\n"
	"CREATE INDEX employer_bars_key ON employer_bars (employer_key);\n",
	/*
     * 4: the card lifecycle (docs/lifecycle.md): status reason, time and
     * cascade, renewals, replacements, reported changes; cards are never
     * deleted or renumbered.
     */
	"ALTER TABLE cards ADD COLUMN status_at INTEGER;\n"
	"ALTER TABLE cards ADD COLUMN status_reason TEXT\n"
	"    CHECK (status_reason <> '' AND\n"
	"    length(CAST(status_reason AS BLOB)) <= 256);\n"
	"ALTER TABLE cards ADD COLUMN status_cascade INTEGER NOT NULL\n"
	"    DEFAULT 0 CHECK (status_cascade IN (0, 1));\n"
	"ALTER TABLE cards ADD COLUMN renewals INTEGER NOT NULL DEFAULT 0\n"
	"    CHECK (renewals >= 0);\n"
	"ALTER TABLE cards ADD COLUMN replaces_serial INTEGER\n"
	"    REFERENCES cards (serial);\n"
	"CREATE UNIQUE INDEX cards_replaces ON cards (replaces_serial);\n"
	"CREATE INDEX cards_status ON cards (status, expires_at);\n"
	"CREATE TABLE card_changes (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	serial INTEGER NOT NULL REFERENCES cards (serial),\n"
	"	kind TEXT NOT NULL CHECK (kind IN ('employer', 'residence')),\n"
	"	value TEXT NOT NULL CHECK (value <> '' AND\n"
	"	    length(CAST(value AS BLOB)) <= 512),\n"
	"	uscc TEXT CHECK (uscc IS NULL OR (kind = 'employer' AND\n"
	"	    length(uscc) = 18 AND uscc NOT GLOB '*[^0-9A-Z]*')),\n"
	"	effective TEXT NOT NULL CHECK (effective GLOB\n"
	"	    '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),\n"
	"	reported_at INTEGER NOT NULL,\n"
	"	days INTEGER NOT NULL CHECK (days >= 0),\n"
	"	late INTEGER NOT NULL CHECK (late IN (0, 1))\n"
	") STRICT;\n"
	"CREATE INDEX card_changes_serial ON card_changes (serial, id);\n"
	"CREATE TRIGGER cards_no_delete BEFORE DELETE ON cards BEGIN\n"
	"	SELECT RAISE(ABORT, 'cards are never deleted: a serial or card number is never used twice');\n"
	"END;\n"
	"CREATE TRIGGER cards_no_renumber BEFORE UPDATE OF serial, card_no\n"
	"ON cards WHEN NEW.serial IS NOT OLD.serial OR\n"
	"    NEW.card_no IS NOT OLD.card_no BEGIN\n"
	"	SELECT RAISE(ABORT, 'a card''s serial and number never change');\n"
	"END;\n"
	"CREATE TRIGGER card_changes_no_delete BEFORE DELETE ON card_changes\n"
	"BEGIN\n"
	"	SELECT RAISE(ABORT, 'reported changes are kept: DELETE refused');\n"
	"END;\n",
	/*
	 * 5: QR e-cards (include/tcard/ecard.h): the signed credential text
	 * of a card, one per card, replaced when the card's expiry changes.
	 */
	"CREATE TABLE ecards (\n"
	"	serial INTEGER PRIMARY KEY REFERENCES cards (serial),\n"
	"	kid TEXT NOT NULL CHECK (length(kid) = 16 AND\n"
	"	    kid NOT GLOB '*[^0-9a-f]*'),\n"
	"	alg INTEGER NOT NULL,\n"
	"	text TEXT NOT NULL CHECK (text <> '' AND length(text) <= 1024),\n"
	"	signed_at INTEGER NOT NULL,\n"
	"	expires_at INTEGER NOT NULL\n"
	") STRICT;\n",
	/*
	 * 6: chips (include/tcard/chip.h): the chip personalised for a card,
	 * by its unique id, and how far personalisation got. One chip per
	 * card and one card per chip, for good: rows are never deleted and
	 * never move to another card or chip, and a done row is final.
	 */
	"CREATE TABLE chips (\n"
	"	serial INTEGER PRIMARY KEY REFERENCES cards (serial),\n"
	"	uid TEXT NOT NULL UNIQUE CHECK (length(uid) BETWEEN 8 AND 32\n"
	"	    AND length(uid) % 2 = 0 AND uid NOT GLOB '*[^0-9a-f]*'),\n"
	"	profile TEXT NOT NULL CHECK (profile <> '' AND\n"
	"	    length(profile) <= 32),\n"
	"	state TEXT NOT NULL CHECK (state IN ('incomplete', 'done')),\n"
	"	attempts INTEGER NOT NULL CHECK (attempts >= 1),\n"
	"	card_key BLOB CHECK (length(card_key) BETWEEN 1 AND 128),\n"
	"	started_at INTEGER NOT NULL,\n"
	"	attempt_at INTEGER NOT NULL,\n"
	"	done_at INTEGER,\n"
	"	CHECK ((state = 'done') =\n"
	"	    (done_at IS NOT NULL AND card_key IS NOT NULL))\n"
	") STRICT;\n"
	"CREATE TRIGGER chips_no_delete BEFORE DELETE ON chips BEGIN\n"
	"	SELECT RAISE(ABORT, 'chip records are kept: DELETE refused');\n"
	"END;\n"
	"CREATE TRIGGER chips_fixed BEFORE UPDATE OF serial, uid ON chips\n"
	"WHEN NEW.serial IS NOT OLD.serial OR NEW.uid IS NOT OLD.uid BEGIN\n"
	"	SELECT RAISE(ABORT, 'a chip record''s card and chip never change');\n"
	"END;\n"
	"CREATE TRIGGER chips_done_final BEFORE UPDATE ON chips\n"
	"WHEN OLD.state = 'done' BEGIN\n"
	"	SELECT RAISE(ABORT, 'a personalised chip record is final');\n"
	"END;\n",
	/*
	 * 7: nothing derived from an ID number stays in plain (docs/
	 * registry.md, "Derived data: applications"). An application's sex,
	 * retirement group, birth date and form move into "personal",
	 * sealed under the data key; migrate_v7 fills it, shortens every
	 * masked form to the new mask and drops the plain columns.
	 */
	"ALTER TABLE applications ADD COLUMN personal BLOB\n"
	"    CHECK (length(personal) > 29);\n",
	/*
	 * 8: organisations (docs/operators.md "Organisations"): every
	 * operator belongs to one, the existing ones to the authority-wide
	 * talent office made here (code "office"); operators' TOTP secret
	 * (sealed under the data key, AAD bound to the operator id) and last
	 * accepted step; the action "supplement" (application_actions
	 * rebuilt: a CHECK cannot be altered); applications found by unit.
	 */
	"CREATE TABLE organisations (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	kind TEXT NOT NULL CHECK (kind IN ('unit', 'industry',\n"
	"	    'district', 'city', 'talent-office', 'bank-branch')),\n"
	"	code TEXT NOT NULL UNIQUE\n"
	"	    CHECK (code <> '' AND length(code) <= 32),\n"
	"	name TEXT NOT NULL\n"
	"	    CHECK (name <> '' AND length(CAST(name AS BLOB)) <= 240),\n"
	"	created_at INTEGER NOT NULL\n"
	") STRICT;\n"
	"INSERT INTO organisations (id, kind, code, name, created_at)\n"
	"    VALUES (1, 'talent-office', 'office', '人才工作办公室 talent office',\n"
	"    CAST(strftime('%s', 'now') AS INTEGER));\n"
	"ALTER TABLE operators ADD COLUMN organisation INTEGER NOT NULL\n"
	"    DEFAULT 1 REFERENCES organisations (id);\n"
	"ALTER TABLE operators ADD COLUMN totp_secret BLOB\n"
	"    CHECK (length(totp_secret) > 29);\n"
	"ALTER TABLE operators ADD COLUMN totp_step INTEGER NOT NULL\n"
	"    DEFAULT -1 CHECK (totp_step >= -1);\n"
	"CREATE INDEX operators_organisation ON operators (organisation);\n"
	"CREATE TABLE application_actions_8 (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	application_id INTEGER NOT NULL REFERENCES applications (id),\n"
	"	step INTEGER CHECK (step >= 0),\n"
	"	step_id TEXT CHECK (step_id <> ''),\n"
	"	action TEXT NOT NULL CHECK (action IN ('create', 'submit',\n"
	"	    'resubmit', 'approve', 'return', 'reject', 'withdraw',\n"
	"	    'issue', 'supplement')),\n"
	"	operator TEXT NOT NULL CHECK (operator <> ''),\n"
	"	at INTEGER NOT NULL,\n"
	"	reason TEXT CHECK (reason <> ''),\n"
	"	detail TEXT NOT NULL DEFAULT '{}',\n"
	"	CHECK ((step IS NULL) = (step_id IS NULL))\n"
	") STRICT;\n"
	"INSERT INTO application_actions_8 SELECT id, application_id, step,\n"
	"    step_id, action, operator, at, reason, detail\n"
	"    FROM application_actions;\n"
	"DROP TABLE application_actions;\n"
	"ALTER TABLE application_actions_8 RENAME TO application_actions;\n"
	"CREATE INDEX application_actions_app\n"
	"    ON application_actions (application_id, operator);\n"
	"CREATE INDEX applications_employer_code\n"
	"    ON applications (employer_code);\n",
	/* Supporting documents of cards' lifecycle actions (card-doc.c). */
	"CREATE TABLE card_documents (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	serial INTEGER NOT NULL REFERENCES cards (serial),\n"
	"	action TEXT NOT NULL CHECK (action <> ''),\n"
	"	change_id INTEGER REFERENCES card_changes (id),\n"
	"	media_type TEXT NOT NULL CHECK (media_type IN ('image/gif',\n"
	"	    'image/jpeg', 'image/png', 'application/pdf',\n"
	"	    'application/msword',\n"
	"	    'application/vnd.openxmlformats-officedocument.wordprocessingml.document')),\n"
	"	size INTEGER NOT NULL CHECK (size BETWEEN 1 AND 4194304),\n"
	"	sha256 BLOB NOT NULL CHECK (length(sha256) = 32),\n"
	"	name TEXT NOT NULL CHECK (name <> ''),\n"
	"	added_at INTEGER NOT NULL,\n"
	"	added_by TEXT NOT NULL CHECK (added_by <> '')\n"
	") STRICT;\n"
	"CREATE INDEX card_documents_serial ON card_documents (serial);\n",
	/*
	 * 10: the work queue by index (src/registry/queue.c, issue 15): the
	 * owner of an application's current step, written when the step
	 * starts: its role, and the organisation whose step it is ('' for
	 * any organisation of a fitting kind). The roles are the
	 * programmes', which the registry does not hold: the rows of
	 * earlier versions are filled by tc_app_queue_fill (tcard-issuerd
	 * at its start). Submitted and approved rows are kept in queue
	 * order (deadline, none last, then id) by role, by role and
	 * organisation, and by creator. A PDF attachment's page count,
	 * counted once by the console's confined renderer and kept
	 * (tc_app_attachment_set_pages), so a view does not count again.
	 */
	"ALTER TABLE applications ADD COLUMN step_role TEXT\n"
	"    CHECK (step_role <> '' AND length(step_role) <= 32);\n"
	"ALTER TABLE applications ADD COLUMN step_org TEXT\n"
	"    CHECK (length(step_org) <= 32);\n"
	"CREATE INDEX applications_queue ON applications\n"
	"    (step_role, ifnull(deadline, '~'), id)\n"
	"    WHERE state IN ('submitted', 'approved');\n"
	"CREATE INDEX applications_queue_org ON applications\n"
	"    (step_role, step_org, ifnull(deadline, '~'), id)\n"
	"    WHERE state IN ('submitted', 'approved');\n"
	"CREATE INDEX applications_queue_creator ON applications\n"
	"    (created_by, ifnull(deadline, '~'), id)\n"
	"    WHERE state IN ('submitted', 'approved');\n"
	"ALTER TABLE attachments ADD COLUMN pages INTEGER\n"
	"    CHECK (pages IS NULL OR (pages >= 1 AND\n"
	"    media_type = 'application/pdf'));\n"
	/* The console's search by name (src/registry/search.c). */
	"CREATE INDEX applications_name ON applications (name);\n",
	/*
	 * 11: the audit entries of one subject (a card's history on its
	 * page, tc_registry_audit_subject) without reading the whole log.
	 */
	"CREATE INDEX audit_subject ON audit (subject, seq);\n",
	/*
	 * 12: applicants' own accounts for the portal (issue 16,
	 * src/registry/applicant.c): a login (an e-mail address or a
	 * mobile number, as normalised), a password hash, the sign-in
	 * lock as operators have, and the MAC of the one person the
	 * account applies for (bound by its first application; never the
	 * number). An application an applicant made has created_by
	 * "applicant:ID" (no operator name has a colon); the index lists
	 * an account's applications. One-time tokens (e-mail
	 * verification, password reset) are kept as SHA-256 only.
	 */
	"CREATE TABLE applicants (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	login TEXT NOT NULL UNIQUE\n"
	"	    CHECK (login <> '' AND length(CAST(login AS BLOB)) <= 254),\n"
	"	pass_hash TEXT,\n"
	"	name TEXT NOT NULL DEFAULT ''\n"
	"	    CHECK (length(CAST(name AS BLOB)) <= 240),\n"
	"	language TEXT NOT NULL DEFAULT 'zh'\n"
	"	    CHECK (language IN ('zh', 'en')),\n"
	"	verified INTEGER NOT NULL DEFAULT 0 CHECK (verified IN (0, 1)),\n"
	"	id_mac BLOB CHECK (length(id_mac) = 32),\n"
	"	failed_logins INTEGER NOT NULL DEFAULT 0\n"
	"	    CHECK (failed_logins >= 0),\n"
	"	locked_until INTEGER NOT NULL DEFAULT 0,\n"
	"	disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),\n"
	"	created_at INTEGER NOT NULL\n"
	") STRICT;\n"
	"CREATE TABLE applicant_tokens (\n"
	"	hash BLOB PRIMARY KEY CHECK (length(hash) = 32),\n"
	"	applicant INTEGER NOT NULL REFERENCES applicants (id),\n"
	"	purpose TEXT NOT NULL CHECK (purpose IN ('verify', 'reset')),\n"
	"	expires_at INTEGER NOT NULL\n"
	") STRICT, WITHOUT ROWID;\n"
	"CREATE INDEX applicant_tokens_applicant ON applicant_tokens\n"
	"    (applicant);\n"
	"CREATE INDEX applications_creator ON applications (created_by, id);\n",
	/*
	 * 13: the notifications outbox (src/registry/notify.c,
	 * docs/notify.md): one row per message, written in the transaction
	 * of its event, its text rendered then (of an application, or of an
	 * applicant's account: its verification or password reset link); the notifier marks it sent
	 * or schedules the next attempt; one overdue reminder a day (in
	 * Shanghai) per application and recipient. The contact e-mail of
	 * organisations (units) and operators (reviewers).
	 */
	"CREATE TABLE outbox (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	created_at INTEGER NOT NULL,\n"
	"	event TEXT NOT NULL CHECK (event IN ('returned', 'rejected',\n"
	"	    'approved', 'issued', 'ecard', 'reached-unit',\n"
	"	    'unit-card-issued', 'overdue', 'account-verify',\n"
	"	    'password-reset')),\n"
	"	application_id INTEGER REFERENCES applications (id),\n"
	"	applicant INTEGER REFERENCES applicants (id),\n"
	"	channel TEXT NOT NULL CHECK (channel IN ('email', 'webhook')),\n"
	"	recipient TEXT NOT NULL\n"
	"	    CHECK (recipient <> '' AND length(recipient) <= 254),\n"
	"	language TEXT NOT NULL CHECK (language IN ('zh', 'en')),\n"
	"	subject TEXT NOT NULL CHECK (subject <> ''),\n"
	"	body TEXT NOT NULL CHECK (body <> ''),\n"
	"	nonce TEXT NOT NULL CHECK (length(nonce) = 16),\n"
	"	state TEXT NOT NULL DEFAULT 'pending'\n"
	"	    CHECK (state IN ('pending', 'sent', 'failed')),\n"
	"	attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),\n"
	"	next_attempt_at INTEGER NOT NULL,\n"
	"	last_error TEXT CHECK (length(last_error) <= 200),\n"
	"	sent_at INTEGER,\n"
	"	CHECK ((state = 'sent') = (sent_at IS NOT NULL)),\n"
	"	CHECK ((application_id IS NULL) <> (applicant IS NULL))\n"
	") STRICT;\n"
	"CREATE INDEX outbox_due ON outbox (next_attempt_at, id)\n"
	"    WHERE state = 'pending';\n"
	"CREATE INDEX outbox_application ON outbox (application_id);\n"
	"CREATE UNIQUE INDEX outbox_overdue_day ON outbox (application_id,\n"
	"    channel, recipient, (created_at + 28800) / 86400)\n"
	"    WHERE event = 'overdue';\n"
	"ALTER TABLE organisations ADD COLUMN email TEXT\n"
	"    CHECK (email <> '' AND length(email) <= 254);\n"
	"ALTER TABLE operators ADD COLUMN email TEXT\n"
	"    CHECK (email <> '' AND length(email) <= 254);\n",
	/*
	 * 14: accounts that sign in through the identity platform
	 * (OpenID Connect, docs/oidc.md "In the office"): the SHA-256 of
	 * the issuer, a NUL and the subject, one account per subject.
	 * Such an account has no password (pass_hash NULL) and its login
	 * is "oidc:" and 16 hex digits of that hash.
	 */
	"ALTER TABLE applicants ADD COLUMN oidc_sub BLOB\n"
	"    CHECK (oidc_sub IS NULL OR length(oidc_sub) = 32);\n"
	"CREATE UNIQUE INDEX applicants_oidc ON applicants (oidc_sub)\n"
	"    WHERE oidc_sub IS NOT NULL;\n",
	/*
	 * 15: the ID document of an identity platform's account, sealed
	 * under the data key (tc_pii_seal, AAD "talentcard-applicant-v1:"
	 * and the account's id): "TYPE:NUMBER" as the platform's claims
	 * gave it at the last sign-in, so that the portal fills the form's
	 * ID number from the identity and shows it masked, read-only (003:
	 * "从身份认证登录获取且不可修改").
	 */
	"ALTER TABLE applicants ADD COLUMN id_sealed BLOB;\n",
	/*
	 * 16: production (issue 17, docs/workflow.md "Production"): a card is
	 * allocated at the last approval in the state 'production' (the
	 * cards table is rebuilt for the wider CHECK, SQLite's twelve-step
	 * procedure), and waits in the production queue of its branch.
	 */
	"CREATE TABLE cards_16 (\n"
	"	serial INTEGER PRIMARY KEY\n"
	"	    CHECK (serial BETWEEN 1 AND 999999999),\n"
	"	card_no TEXT NOT NULL UNIQUE\n"
	"	    CHECK (length(card_no) = 16 AND\n"
	"	    card_no NOT GLOB '*[^0-9]*' AND\n"
	"	    substr(card_no, 7, 9) = printf('%09d', serial)),\n"
	"	holder_id INTEGER NOT NULL REFERENCES holders (id),\n"
	"	programme TEXT NOT NULL CHECK (programme <> ''),\n"
	"	tier TEXT NOT NULL CHECK (tier <> ''),\n"
	"	status TEXT NOT NULL CHECK (status IN\n"
	"	    ('issued', 'suspended', 'revoked', 'expired', 'production')),\n"
	"	issued_at INTEGER NOT NULL,\n"
	"	expires_at INTEGER NOT NULL CHECK (expires_at > issued_at),\n"
	"	principal_serial INTEGER REFERENCES cards (serial)\n"
	"	    CHECK (principal_serial <> serial),\n"
	"	relation TEXT CHECK (relation <> ''),\n"
	"	status_at INTEGER,\n"
	"	status_reason TEXT CHECK (status_reason <> '' AND\n"
	"	    length(CAST(status_reason AS BLOB)) <= 256),\n"
	"	status_cascade INTEGER NOT NULL\n"
	"	    DEFAULT 0 CHECK (status_cascade IN (0, 1)),\n"
	"	renewals INTEGER NOT NULL DEFAULT 0 CHECK (renewals >= 0),\n"
	"	replaces_serial INTEGER REFERENCES cards (serial),\n"
	"	CHECK ((principal_serial IS NULL) = (relation IS NULL))\n"
	") STRICT;\n"
	"INSERT INTO cards_16 SELECT serial, card_no, holder_id, programme,\n"
	"    tier, status, issued_at, expires_at, principal_serial, relation,\n"
	"    status_at, status_reason, status_cascade, renewals,\n"
	"    replaces_serial FROM cards;\n"
	"DROP TABLE cards;\n"
	"ALTER TABLE cards_16 RENAME TO cards;\n"
	"CREATE INDEX cards_holder ON cards (holder_id);\n"
	"CREATE INDEX cards_principal ON cards (principal_serial);\n"
	"CREATE UNIQUE INDEX cards_replaces ON cards (replaces_serial);\n"
	"CREATE INDEX cards_status ON cards (status, expires_at);\n"
	"CREATE TRIGGER cards_serial_counter AFTER INSERT ON cards BEGIN\n"
	"	UPDATE serial_counter SET last = NEW.serial WHERE last < NEW.serial;\n"
	"END;\n"
	"CREATE TRIGGER cards_no_delete BEFORE DELETE ON cards BEGIN\n"
	"	SELECT RAISE(ABORT, 'cards are never deleted: a serial or card number is never used twice');\n"
	"END;\n"
	"CREATE TRIGGER cards_no_renumber BEFORE UPDATE OF serial, card_no\n"
	"ON cards WHEN NEW.serial IS NOT OLD.serial OR\n"
	"    NEW.card_no IS NOT OLD.card_no BEGIN\n"
	"	SELECT RAISE(ABORT, 'a card''s serial and number never change');\n"
	"END;\n"
	"CREATE TABLE production (\n"
	"	serial INTEGER PRIMARY KEY REFERENCES cards (serial),\n"
	"	application INTEGER NOT NULL UNIQUE REFERENCES applications (id),\n"
	"	branch TEXT CHECK (branch <> ''),\n"
	"	state TEXT NOT NULL CHECK (state IN\n"
	"	    ('to-make', 'in-progress', 'failed', 'made', 'delivered')),\n"
	"	reason TEXT CHECK (reason <> '' AND\n"
	"	    length(CAST(reason AS BLOB)) <= 1024),\n"
	"	queued_at INTEGER NOT NULL,\n"
	"	updated_at INTEGER NOT NULL,\n"
	"	made_at INTEGER,\n"
	"	delivered_at INTEGER\n"
	") STRICT;\n"
	"CREATE INDEX production_queue ON production (branch, state, serial);\n",
	/*
	 * 17: the card face's print job at the branch station (issue 17,
	 * docs/station.md "Printing the face"): the CUPS job id, its last
	 * IPP state and the printer's reason, as the station reported them.
	 */
	"ALTER TABLE production ADD COLUMN print_job INTEGER\n"
	"    CHECK (print_job IS NULL OR print_job >= 0);\n"
	"ALTER TABLE production ADD COLUMN print_state TEXT\n"
	"    CHECK (print_state IS NULL OR print_state IN ('pending', 'held',\n"
	"    'processing', 'stopped', 'canceled', 'aborted', 'completed',\n"
	"    'failed'));\n"
	"ALTER TABLE production ADD COLUMN print_reason TEXT\n"
	"    CHECK (print_reason <> '' AND\n"
	"    length(CAST(print_reason AS BLOB)) <= 512);\n",
};

#define NMIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))

_Static_assert(NMIGRATIONS == TC_REGISTRY_SCHEMA_VERSION,
    "one migration step per schema version");

const char *
tc_reg_migration(int version)
{
	return version >= 1 && version <= NMIGRATIONS ? migrations[version - 1]
						      : NULL;
}

static const char *const stmt_sql[TC_REG_STMT_COUNT] = {
	[TC_REG_HOLDER_INSERT] =
	    "INSERT INTO holders (id_type, id_mac, id_sealed, id_masked, name, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[TC_REG_HOLDER_FIND] =
	    "SELECT id FROM holders WHERE id_mac = ?1 AND id_type = ?2",
	[TC_REG_HOLDER_GET] =
	    "SELECT id_type, id_mac, id_sealed, id_masked, name, created_at FROM holders WHERE id = ?1",
	[TC_REG_CARD_INSERT] =
	    "INSERT INTO cards (serial, card_no, holder_id, programme, tier, status, issued_at, expires_at, principal_serial, relation) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	[TC_REG_CARD_BY_SERIAL] =
	    "SELECT serial, card_no, holder_id, programme, tier, status, issued_at, expires_at, principal_serial, relation FROM cards WHERE serial = ?1",
	[TC_REG_CARD_BY_NO] =
	    "SELECT serial, card_no, holder_id, programme, tier, status, issued_at, expires_at, principal_serial, relation FROM cards WHERE card_no = ?1",
	[TC_REG_CARD_SET_STATUS] =
	    "UPDATE cards SET status = ?2 WHERE serial = ?1",
	[TC_REG_AUDIT_LAST] =
	    "SELECT seq, mac, at FROM audit ORDER BY seq DESC LIMIT 1",
	[TC_REG_AUDIT_INSERT] =
	    "INSERT INTO audit (seq, at, operator, action, subject, detail, prev, mac) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[TC_REG_AUDIT_FROM] =
	    "SELECT seq, at, operator, action, subject, detail, prev, mac FROM audit WHERE seq >= ?1 ORDER BY seq LIMIT ?2",
};

static const char *const status_names[] = {
	[TC_CARD_ISSUED] = "issued",
	[TC_CARD_SUSPENDED] = "suspended",
	[TC_CARD_REVOKED] = "revoked",
	[TC_CARD_EXPIRED] = "expired",
	[TC_CARD_PRODUCTION] = "production",
};

const char *
tc_reg_name(const char *const *names, int n, int v)
{
	return v >= 1 && v < n ? names[v] : NULL;
}

int
tc_reg_name_parse(const char *const *names, int n, const char *s, int *v)
{
	int i;

	for (i = 1; s != NULL && i < n; i++)
		if (strcmp(s, names[i]) == 0) {
			*v = i;
			return 0;
		}
	return TC_ERR_INVALID_ARG;
}

const char *
tc_card_status_name(enum tc_card_status s)
{
	const char *name =
	    tc_reg_name(status_names, TC_REG_NAMES(status_names), (int)s);

	return name != NULL ? name : "unknown";
}

int
tc_card_status_parse(const char *name, enum tc_card_status *out)
{
	int v, r;

	if (out == NULL)
		return TC_ERR_INVALID_ARG;
	if ((r = tc_reg_name_parse(
		 status_names, TC_REG_NAMES(status_names), name, &v)) == 0)
		*out = (enum tc_card_status)v;
	return r;
}

int
tc_reg_dberr(
    struct tc_registry *reg, int rc, const char *what, char *err, size_t errlen)
{
	int code;

	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		code = TC_ERR_DB_BUSY;
		break;
	case SQLITE_NOMEM:
		code = TC_ERR_NOMEM;
		break;
	case SQLITE_CONSTRAINT:
		code = rc == SQLITE_CONSTRAINT_UNIQUE ||
			rc == SQLITE_CONSTRAINT_PRIMARYKEY
		    ? TC_ERR_EXISTS
		    : TC_ERR_CONSTRAINT;
		break;
	default:
		code = TC_ERR_DB;
		break;
	}
	return tc_seterr(err, errlen, code, "%s: %s: %s", reg->path, what,
	    reg->db != NULL ? sqlite3_errmsg(reg->db) : sqlite3_errstr(rc));
}

int
tc_reg_run(struct tc_registry *reg, sqlite3_stmt *st, const char *what,
    char *err, size_t errlen)
{
	int rc = sqlite3_step(st), r = 0;

	if (rc != SQLITE_DONE)
		r = tc_reg_dberr(reg, rc, what, err, errlen);
	else
		reg->dirty = 1;
	tc_reg_finalize(reg, st);
	return r;
}

void
tc_reg_bind_opt_text(sqlite3_stmt *st, int col, const char *s)
{
	if (s != NULL)
		sqlite3_bind_text(st, col, s, -1, SQLITE_STATIC);
}

void
tc_reg_bind_opt_id(sqlite3_stmt *st, int col, int64_t v)
{
	if (v != 0)
		sqlite3_bind_int64(st, col, v);
}

/*
 * TC_ERR_INVALID_ARG, a slip of the program, when types has not one letter
 * a parameter of st; nothing is bound then.
 */
static int
bind_list(sqlite3_stmt *st, const char *types, va_list ap)
{
	const void *p;
	int64_t v;
	int col;

	if (strlen(types) != (size_t)sqlite3_bind_parameter_count(st))
		return TC_ERR_INVALID_ARG;
	for (col = 1; types[col - 1] != '\0'; col++) {
		switch (types[col - 1]) {
		case 'i':
			sqlite3_bind_int64(st, col, va_arg(ap, int64_t));
			break;
		case 'd':
			sqlite3_bind_int(st, col, va_arg(ap, int));
			break;
		case 'I':
			if ((v = va_arg(ap, int64_t)) != 0)
				sqlite3_bind_int64(st, col, v);
			break;
		case 't':
			sqlite3_bind_text(st, col, va_arg(ap, const char *), -1,
			    SQLITE_STATIC);
			break;
		case 'T':
			sqlite3_bind_text(st, col, va_arg(ap, const char *), -1,
			    SQLITE_TRANSIENT);
			break;
		case 'b':
			p = va_arg(ap, const void *);
			sqlite3_bind_blob64(st, col, p,
			    (sqlite3_uint64)va_arg(ap, size_t), SQLITE_STATIC);
			break;
		default: /* '-' */
			break;
		}
	}
	return 0;
}

int
tc_reg_bind(sqlite3_stmt *st, const char *types, ...)
{
	va_list ap;
	int r;

	va_start(ap, types);
	r = bind_list(st, types, ap);
	va_end(ap);
	return r;
}

static int
bind_err(struct tc_registry *reg, sqlite3_stmt **st, char *err, size_t errlen)
{
	tc_reg_finalize(reg, *st);
	*st = NULL;
	return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
	    "%s: a statement given the wrong number of values", reg->path);
}

int
tc_reg_query(struct tc_registry *reg, const char *sql, sqlite3_stmt **st,
    char *err, size_t errlen, const char *types, ...)
{
	va_list ap;
	int r;

	if ((r = tc_reg_prepare(reg, sql, st, err, errlen)) != 0)
		return r;
	va_start(ap, types);
	r = bind_list(*st, types, ap);
	va_end(ap);
	return r != 0 ? bind_err(reg, st, err, errlen) : 0;
}

int
tc_reg_exec(struct tc_registry *reg, const char *sql, const char *what,
    char *err, size_t errlen, const char *types, ...)
{
	sqlite3_stmt *st = NULL;
	va_list ap;
	int r;

	if ((r = tc_reg_prepare(reg, sql, &st, err, errlen)) != 0)
		return r;
	va_start(ap, types);
	r = bind_list(st, types, ap);
	va_end(ap);
	if (r != 0)
		return bind_err(reg, &st, err, errlen);
	return tc_reg_run(reg, st, what, err, errlen);
}

int
tc_reg_rewrite(struct tc_registry *reg, const char *select, const char *update,
    int (*row)(struct tc_registry *reg, sqlite3_stmt *q, sqlite3_stmt *up,
	char *err, size_t errlen),
    const char *reading, char *err, size_t errlen)
{
	sqlite3_stmt *q = NULL, *up = NULL;
	int rc, r;

	if ((r = tc_reg_prepare(reg, select, &q, err, errlen)) != 0 ||
	    (r = tc_reg_prepare(reg, update, &up, err, errlen)) != 0)
		goto out;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		sqlite3_reset(up);
		sqlite3_clear_bindings(up);
		if ((r = row(reg, q, up, err, errlen)) != 0)
			goto out;
	}
	if (rc != SQLITE_DONE)
		r = tc_reg_dberr(reg, rc, reading, err, errlen);
out:
	tc_reg_finalize(reg, q);
	tc_reg_finalize(reg, up);
	return r;
}

int
tc_reg_rows_end(struct tc_registry *reg, sqlite3_stmt *st, int rc, int r,
    const char *what, char *err, size_t errlen)
{
	if (r == 0 && rc != SQLITE_DONE)
		r = tc_reg_dberr(reg, rc, what, err, errlen);
	tc_reg_finalize(reg, st);
	return r;
}

int
tc_reg_count(struct tc_registry *reg, sqlite3_stmt *st, const char *what,
    int64_t *n, char *err, size_t errlen)
{
	int rc = sqlite3_step(st), r = 0;

	if (rc == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	else
		r = tc_reg_dberr(reg, rc, what, err, errlen);
	tc_reg_finalize(reg, st);
	return r;
}

static int
one_row(struct tc_registry *reg, sqlite3_stmt *st, const char *what, char *err,
    size_t errlen, const char *missing, va_list ap)
{
	int rc, r;

	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		return 0;
	if (rc != SQLITE_DONE)
		r = tc_reg_dberr(reg, rc, what, err, errlen);
	else {
		r = TC_ERR_NOT_FOUND;
		if (missing != NULL && err != NULL && errlen > 0)
			vsnprintf(err, errlen, missing, ap);
	}
	tc_reg_finalize(reg, st);
	return r;
}

int
tc_reg_one_row(struct tc_registry *reg, sqlite3_stmt *st, const char *what,
    char *err, size_t errlen, const char *missing, ...)
{
	va_list ap;
	int r;

	va_start(ap, missing);
	r = one_row(reg, st, what, err, errlen, missing, ap);
	va_end(ap);
	return r;
}

int
tc_reg_row_by_id(struct tc_registry *reg, const char *sql, int64_t id,
    const char *what, sqlite3_stmt **st, char *err, size_t errlen,
    const char *missing, ...)
{
	va_list ap;
	int r;

	if ((r = tc_reg_query(reg, sql, st, err, errlen, "i", id)) != 0)
		return r;
	va_start(ap, missing);
	r = one_row(reg, *st, what, err, errlen, missing, ap);
	va_end(ap);
	if (r != 0)
		*st = NULL;
	return r;
}

int
tc_reg_stmt(struct tc_registry *reg, enum tc_reg_stmt which, sqlite3_stmt **st,
    char *err, size_t errlen)
{
	int rc;

	*st = NULL;
	if (reg->stmt[which] == NULL) {
		rc = sqlite3_prepare_v3(reg->db, stmt_sql[which], -1,
		    SQLITE_PREPARE_PERSISTENT, &reg->stmt[which], NULL);
		if (rc != SQLITE_OK)
			return tc_reg_dberr(
			    reg, rc, "preparing a statement", err, errlen);
	}
	sqlite3_reset(reg->stmt[which]);
	sqlite3_clear_bindings(reg->stmt[which]);
	*st = reg->stmt[which];
	return 0;
}

/* Resets a statement after use, so it holds no lock and no bound data. */
static void
done(sqlite3_stmt *st)
{
	if (st != NULL) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	}
}

/* Runs SQL without parameters (pragmas, transaction control, migrations). */
static int
exec(struct tc_registry *reg, const char *sql, const char *what, char *err,
    size_t errlen)
{
	int rc = sqlite3_exec(reg->db, sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return tc_reg_dberr(reg, rc, what, err, errlen);
	return 0;
}

/* Reads the single integer a pragma or query returns. */
static int
query_int(struct tc_registry *reg, const char *sql, int64_t *v, char *err,
    size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int rc;

	rc = sqlite3_prepare_v2(reg->db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			*v = sqlite3_column_int64(st, 0);
			rc = SQLITE_OK;
		} else if (rc == SQLITE_DONE) {
			*v = 0;
			rc = SQLITE_OK;
		}
	}
	if (rc != SQLITE_OK) {
		rc = tc_reg_dberr(reg, rc, sql, err, errlen);
		tc_reg_finalize(reg, st);
		return rc;
	}
	tc_reg_finalize(reg, st);
	return 0;
}

/*
 * Sets the per-connection pragmas. journal_mode is the first statement
 * that reads the file, so this is where a file that is not an SQLite
 * database is found.
 */
static int
set_pragmas(struct tc_registry *reg, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	const char *mode;
	int rc, r;

	sqlite3_extended_result_codes(reg->db, 1);
	sqlite3_busy_timeout(reg->db, BUSY_TIMEOUT_MS);
	sqlite3_db_config(reg->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(reg->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	rc = sqlite3_prepare_v2(
	    reg->db, "PRAGMA journal_mode = WAL", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		if ((rc & 0xff) == SQLITE_NOTADB)
			r = tc_seterr(err, errlen, TC_ERR_DB,
			    "%s is not an SQLite database, so not a talentcard registry",
			    reg->path);
		else
			r = tc_reg_dberr(
			    reg, rc, "setting journal_mode=WAL", err, errlen);
		tc_reg_finalize(reg, st);
		return r;
	}
	mode = (const char *)sqlite3_column_text(st, 0);
	if (mode == NULL || strcmp(mode, "wal") != 0) {
		r = tc_seterr(err, errlen, TC_ERR_DB,
		    "%s: the database refused WAL mode (journal mode stays '%s')",
		    reg->path, mode != NULL ? mode : "?");
		tc_reg_finalize(reg, st);
		return r;
	}
	tc_reg_finalize(reg, st);
	if ((r = exec(reg,
		 "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON; PRAGMA trusted_schema = OFF;",
		 "setting pragmas", err, errlen)) != 0)
		return r;
	return 0;
}

/*
 * Refuses SQLite files that belong to something else: the application id
 * is ours once migration 1 ran, and a file without it must be empty.
 */
static int
check_identity(
    struct tc_registry *reg, int64_t version, char *err, size_t errlen)
{
	int64_t app = 0, objects = 0;
	int r;

	if ((r = query_int(reg, "PRAGMA application_id", &app, err, errlen)) !=
	    0)
		return r;
	if (version > NMIGRATIONS)
		return tc_seterr(err, errlen, TC_ERR_DB_SCHEMA,
		    "%s has schema version %lld; this program knows versions up to %d%s",
		    reg->path, (long long)version, NMIGRATIONS,
		    app == TC_REGISTRY_APP_ID
			? " (a newer talentcard made it: upgrade this program)"
			: " (and it does not carry talentcard's application id)");
	if (app == TC_REGISTRY_APP_ID)
		return 0;
	if (app != 0)
		return tc_seterr(err, errlen, TC_ERR_DB,
		    "%s is an SQLite database of another application (application_id 0x%08llx), not a talentcard registry",
		    reg->path, (unsigned long long)(uint32_t)app);
	if ((r = query_int(reg, "SELECT count(*) FROM sqlite_schema", &objects,
		 err, errlen)) != 0)
		return r;
	if (version != 0 || objects != 0)
		return tc_seterr(err, errlen, TC_ERR_DB,
		    "%s is an SQLite database but not a talentcard registry (no talentcard application id, %lld schema objects)",
		    reg->path, (long long)objects);
	return 0;
}

static int migrate_v7(struct tc_registry *reg, char *err, size_t errlen);
static int holder_aad(enum tc_id_type type, char *aad, size_t len);

/*
 * C code that a step runs after its SQL, in the same transaction: for
 * changes SQL cannot make, such as sealing under the data key.
 */
static int (*const migration_code[])(struct tc_registry *, char *, size_t) = {
	[6] = migrate_v7,
};

#define NMIGRATION_CODE                                                        \
	((int)(sizeof(migration_code) / sizeof(migration_code[0])))

/* Applies migration step v (user_version v to v + 1) in one transaction. */
static int
migrate_step(struct tc_registry *reg, int v, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	char sql[64], what[64];
	int64_t now_version;
	int rc, r;

	if ((r = exec(reg, "PRAGMA foreign_keys = OFF", "migrating", err,
		 errlen)) != 0)
		return r;
	if ((r = exec(reg, "BEGIN IMMEDIATE", "migrating", err, errlen)) != 0)
		goto out;
	/* Another process may have run this step while we waited. */
	if ((r = query_int(
		 reg, "PRAGMA user_version", &now_version, err, errlen)) != 0)
		goto out;
	if (now_version != v) {
		r = exec(reg, "COMMIT", "migrating", err, errlen);
		goto out;
	}
	snprintf(what, sizeof(what), "migrating to schema version %d", v + 1);
	if ((r = exec(reg, migrations[v], what, err, errlen)) != 0)
		goto out;
	if (v < NMIGRATION_CODE && migration_code[v] != NULL &&
	    (r = migration_code[v](reg, err, errlen)) != 0)
		goto out;
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
	if ((r = exec(reg, sql, what, err, errlen)) != 0)
		goto out;
	rc = sqlite3_prepare_v2(
	    reg->db, "PRAGMA foreign_key_check", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		r = tc_seterr(err, errlen, TC_ERR_CONSTRAINT,
		    "%s: %s: table %s has rows whose references do not resolve",
		    reg->path, what, sqlite3_column_text(st, 0));
		goto out;
	}
	if (rc != SQLITE_DONE) {
		r = tc_reg_dberr(reg, rc, what, err, errlen);
		goto out;
	}
	r = exec(reg, "COMMIT", what, err, errlen);
out:
	tc_reg_finalize(reg, st);
	if (r != 0 && !sqlite3_get_autocommit(reg->db))
		sqlite3_exec(reg->db, "ROLLBACK", NULL, NULL, NULL);
	if (sqlite3_exec(reg->db, "PRAGMA foreign_keys = ON", NULL, NULL,
		NULL) != SQLITE_OK &&
	    r == 0)
		r = tc_reg_dberr(
		    reg, SQLITE_ERROR, "turning foreign keys on", err, errlen);
	return r;
}

/*
 * The masked form of a number whose plain value is not at hand (the
 * blacklist keeps only MAC and mask): old is shortened to what tc_id_mask
 * shows now, the last min(TC_ID_MASK_SHOWN, n / 3) characters, keeping a
 * '*' where old already had one.
 */
static void
remask(const char *old, char out[TC_ID_MAX])
{
	size_t n = strnlen(old, TC_ID_MAX - 1), i, tail;

	tail = n / 3 < TC_ID_MASK_SHOWN ? n / 3 : TC_ID_MASK_SHOWN;
	for (i = 0; i < n; i++)
		out[i] = i >= n - tail ? old[i] : '*';
	out[n] = '\0';
}

/* Runs up, bound by the caller; 0 or tc_reg_dberr(reg, rc, what, ...). */
static int
step_done(struct tc_registry *reg, sqlite3_stmt *up, const char *what,
    char *err, size_t errlen)
{
	int rc = sqlite3_step(up);

	return rc == SQLITE_DONE ? 0 : tc_reg_dberr(reg, rc, what, err, errlen);
}

/* Step 7 for a holder: the masked form again, from the sealed number. */
static int
remask_holder(struct tc_registry *reg, sqlite3_stmt *q, sqlite3_stmt *up,
    char *err, size_t errlen)
{
	char type_name[32], aad[64], masked[TC_ID_MAX];
	enum tc_id_type type;
	struct tc_buf plain;
	int64_t id = sqlite3_column_int64(q, 0);
	int r;

	if (tc_reg_col_text(q, 1, type_name, sizeof(type_name), 0) != 0 ||
	    tc_id_type_parse(type_name, &type) != 0 ||
	    holder_aad(type, aad, sizeof(aad)) != 0 ||
	    sqlite3_column_type(q, 2) != SQLITE_BLOB)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "holder %lld: a stored field has the wrong type or size",
		    (long long)id);
	tc_buf_init(&plain, TC_ID_MAX);
	r = tc_pii_open(reg->keys.data_key, aad, sqlite3_column_blob(q, 2),
		(size_t)sqlite3_column_bytes(q, 2), &plain, NULL, 0) != 0 ||
	    tc_id_mask((const char *)plain.data, masked) != 0;
	tc_buf_release(&plain);
	if (r != 0)
		return tc_seterr(err, errlen, TC_ERR_DECRYPT,
		    "holder %lld: the sealed ID number does not open (another data key, or the row was altered)",
		    (long long)id);
	tc_reg_bind(up, "it", id, masked);
	return step_done(reg, up, "masking a holder again", err, errlen);
}

/* Step 7 for a blacklist entry, which has no sealed number: shortened. */
static int
remask_blacklisted(struct tc_registry *reg, sqlite3_stmt *q, sqlite3_stmt *up,
    char *err, size_t errlen)
{
	char old[TC_ID_MAX], masked[TC_ID_MAX];

	if (tc_reg_col_text(q, 1, old, sizeof(old), 0) != 0 || old[0] == '\0')
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "a blacklist entry has a masked number out of shape");
	remask(old, masked);
	sqlite3_bind_value(up, 1, sqlite3_column_value(q, 0));
	sqlite3_bind_text(up, 2, masked, -1, SQLITE_STATIC);
	return step_done(
	    reg, up, "masking a blacklist entry again", err, errlen);
}

static int
migrate_v7(struct tc_registry *reg, char *err, size_t errlen)
{
	int r;

	if ((r = tc_app_migrate_personal(reg, err, errlen)) != 0 ||
	    (r = tc_reg_rewrite(reg,
		 "SELECT id, id_type, id_sealed FROM holders ORDER BY id",
		 "UPDATE holders SET id_masked = ?2 WHERE id = ?1",
		 remask_holder, "reading holders", err, errlen)) != 0 ||
	    (r = tc_reg_rewrite(reg, "SELECT id_mac, id_masked FROM blacklist",
		 "UPDATE blacklist SET id_masked = ?2 WHERE id_mac = ?1",
		 remask_blacklisted, "reading the blacklist", err, errlen)) !=
		0)
		return r;
	return exec(reg,
	    "ALTER TABLE applications DROP COLUMN sex;\n"
	    "ALTER TABLE applications DROP COLUMN retire_base;\n"
	    "ALTER TABLE applications DROP COLUMN birth_date;\n"
	    "ALTER TABLE applications DROP COLUMN form;\n",
	    "migrating to schema version 7: dropping the plain columns", err,
	    errlen);
}

/*
 * After a migration that took plain personal data out of an existing
 * file: VACUUM rebuilds the file, so that no free page or unused part of
 * a page keeps an old value (secure_delete zeroes what is deleted from
 * now on, not what was deleted before it was on), and a TRUNCATE
 * checkpoint empties the WAL, which held the old page images.
 */
static int
scrub(struct tc_registry *reg, char *err, size_t errlen)
{
	int r;

	if ((r = exec(reg, "VACUUM",
		 "rewriting the file after migration (run 'sqlite3 FILE VACUUM' while no other process uses it)",
		 err, errlen)) != 0)
		return r;
	return exec(reg, "PRAGMA wal_checkpoint(TRUNCATE)",
	    "emptying the WAL after migration", err, errlen);
}

static int
migrate(struct tc_registry *reg, char *err, size_t errlen)
{
	int64_t version, from;
	int r;

	if ((r = query_int(
		 reg, "PRAGMA user_version", &version, err, errlen)) != 0)
		return r;
	if ((r = check_identity(reg, version, err, errlen)) != 0)
		return r;
	from = version;
	while (version < NMIGRATIONS) {
		if ((r = migrate_step(reg, (int)version, err, errlen)) != 0)
			return r;
		if ((r = query_int(reg, "PRAGMA user_version", &version, err,
			 errlen)) != 0)
			return r;
		if (version > NMIGRATIONS)
			return check_identity(reg, version, err, errlen);
	}
	reg->version = (int)version;
	if (from >= 1 && from < 7)
		return scrub(reg, err, errlen);
	return 0;
}

/* Creates path with mode 0600 when CREATE is given and it is missing. */
static int
create_file(const char *path, int flags, int *created, char *err, size_t errlen)
{
	struct stat sb;
	int made;

	*created = 0;
	if (!(flags & TC_REGISTRY_CREATE)) {
		if (stat(path, &sb) != 0) {
			if (errno == ENOENT)
				return tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
				    "%s does not exist", path);
			return tc_seterr(err, errlen, TC_ERR_IO, "%s: %s", path,
			    strerror(errno));
		}
		return 0;
	}
	if ((made = tc_file_create_private(path)) > 0)
		*created = 1;
	else if (made == 0 && (flags & TC_REGISTRY_EXCL))
		return tc_seterr(
		    err, errlen, TC_ERR_EXISTS, "%s already exists", path);
	if (made >= 0)
		return 0;
	return tc_seterr(err, errlen, TC_ERR_IO, "cannot create %s: %s", path,
	    strerror(errno));
}

/* Removes a registry file this open created, with its WAL and index. */
static void
remove_created(const char *path)
{
	static const char *const suffix[] = { "-wal", "-shm", "-journal" };
	char p[4096];
	size_t i;

	unlink(path);
	for (i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		if ((size_t)snprintf(p, sizeof(p), "%s%s", path, suffix[i]) <
		    sizeof(p))
			unlink(p);
	}
}

int
tc_registry_file_modes(const char *path, char *msg, size_t msglen)
{
	static const char *const suffix[] = { "", "-wal", "-shm", "-journal" };
	char p[4096];
	struct stat sb;
	size_t i;

	if (msglen > 0)
		msg[0] = '\0';
	for (i = 0; path != NULL && i < sizeof(suffix) / sizeof(suffix[0]);
	     i++) {
		if ((size_t)snprintf(p, sizeof(p), "%s%s", path, suffix[i]) >=
			sizeof(p) ||
		    stat(p, &sb) != 0 || (sb.st_mode & 077) == 0)
			continue;
		snprintf(msg, msglen,
		    "%s is mode %04o: group or others can %s it; the registry holds personal data: chmod 600 %s*",
		    p, (unsigned int)(sb.st_mode & 07777),
		    (sb.st_mode & 044) != 0 ? "read" : "write or reach", path);
		return 1;
	}
	return 0;
}

/*
 * The audit key, HMAC-SHA256(data_key, "talentcard-audit-v1")
 * (docs/registry.md). Derived here, when the handle is made, so that
 * src/registry/audit.c uses this file and this file never calls into the
 * audit log: the dependency runs one way.
 */
static int
derive_audit_key(
    const uint8_t data_key[TC_PII_KEY_LEN], uint8_t out[TC_AUDIT_MAC_LEN])
{
	static const char label[] = "talentcard-audit-v1";
	unsigned int n = 0;

	if (HMAC(EVP_sha256(), data_key, TC_PII_KEY_LEN, (const uint8_t *)label,
		strlen(label), out, &n) == NULL ||
	    n != TC_AUDIT_MAC_LEN)
		return TC_ERR_CRYPTO;
	return 0;
}

int
tc_registry_open(struct tc_registry **out, const char *path,
    const struct tc_registry_keys *keys, int flags, char *err, size_t errlen)
{
	struct tc_registry *reg = NULL;
	int created = 0, rc, r = TC_ERR_INTERNAL;

	if (out == NULL)
		return tc_seterr(
		    err, errlen, TC_ERR_INVALID_ARG, "no output pointer");
	*out = NULL;
	if (path == NULL || *path == '\0' || keys == NULL ||
	    (flags & ~(TC_REGISTRY_CREATE | TC_REGISTRY_EXCL)) != 0)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "registry path, keys or flags missing or invalid");
	if ((r = create_file(path, flags, &created, err, errlen)) != 0)
		return r;
	if ((reg = calloc(1, sizeof(*reg))) == NULL ||
	    (reg->path = strdup(path)) == NULL) {
		r = tc_seterr(err, errlen, TC_ERR_NOMEM, "out of memory");
		goto out;
	}
	memcpy(&reg->keys, keys, sizeof(reg->keys));
	if ((r = derive_audit_key(reg->keys.data_key, reg->audit_key)) != 0) {
		tc_seterr(err, errlen, r, "deriving the audit key failed");
		goto out;
	}
	/*
	 * NOMUTEX: a registry is used from one thread at a time
	 * (registry.h), so SQLite's own locking of the connection is
	 * only cost (4.6 % of the office monitor's time per page).
	 */
	rc = sqlite3_open_v2(path, &reg->db,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW |
		SQLITE_OPEN_EXRESCODE | SQLITE_OPEN_NOMUTEX,
	    NULL);
	if (rc != SQLITE_OK) {
		r = tc_reg_dberr(reg, rc, "opening", err, errlen);
		goto out;
	}
	if ((r = set_pragmas(reg, err, errlen)) != 0 ||
	    (r = migrate(reg, err, errlen)) != 0)
		goto out;
	*out = reg;
	reg = NULL;
	r = 0;
out:
	tc_registry_close(reg);
	if (r != 0 && created)
		remove_created(path);
	return r;
}

/*
 * Copies SQLite's integrity report into out as one line: the
 * "*** in database main ***" heading dropped, line breaks made "; ".
 */
static void
one_line(char *out, size_t len, const char *msg)
{
	static const char heading[] = "*** in database main ***\n";
	size_t o = 0;

	if (strncmp(msg, heading, sizeof(heading) - 1) == 0)
		msg += sizeof(heading) - 1;
	for (; *msg != '\0' && o + 3 < len; msg++) {
		if (*msg == '\n') {
			if (msg[1] == '\0')
				break;
			out[o++] = ';';
			out[o++] = ' ';
		} else
			out[o++] = *msg;
	}
	out[o] = '\0';
}

int
tc_registry_integrity_check(struct tc_registry *reg, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	const char *msg;
	char first[256] = "";
	int rc, n = 0, r;

	if (reg == NULL)
		return tc_reg_no_arg(err, errlen);
	rc = sqlite3_prepare_v2(
	    reg->db, "PRAGMA integrity_check(100)", -1, &st, NULL);
	while (rc == SQLITE_OK || rc == SQLITE_ROW) {
		if ((rc = sqlite3_step(st)) != SQLITE_ROW)
			break;
		msg = (const char *)sqlite3_column_text(st, 0);
		if (msg != NULL && strcmp(msg, "ok") == 0)
			continue;
		if (n++ == 0)
			one_line(first, sizeof(first), msg != NULL ? msg : "?");
	}
	tc_reg_finalize(reg, st);
	if (rc != SQLITE_DONE && (rc & 0xff) != SQLITE_CORRUPT &&
	    (rc & 0xff) != SQLITE_NOTADB)
		return tc_reg_dberr(
		    reg, rc, "checking the database's integrity", err, errlen);
	if (rc != SQLITE_DONE && n == 0)
		snprintf(first, sizeof(first), "%s", sqlite3_errstr(rc));
	if (rc == SQLITE_DONE && n == 0)
		return 0;
	r = tc_seterr(err, errlen, TC_ERR_DB,
	    "%s is damaged: SQLite's integrity check says \"%s\"%s%s; do not use it: restore the registry from a backup (docs/operations.md)",
	    reg->path, first, n > 1 ? " and more" : "",
	    n >= 100 ? " (at least 100 problems)" : "");
	return r;
}

static void kept_clear(struct tc_registry *reg);

void
tc_registry_close(struct tc_registry *reg)
{
	size_t i;

	if (reg == NULL)
		return;
	if (reg->db != NULL && !sqlite3_get_autocommit(reg->db))
		sqlite3_exec(reg->db, "ROLLBACK", NULL, NULL, NULL);
	for (i = 0; i < TC_REG_STMT_COUNT; i++)
		sqlite3_finalize(reg->stmt[i]);
	kept_clear(reg);
	sqlite3_close(reg->db);
	free(reg->path);
	OPENSSL_cleanse(reg, sizeof(*reg));
	free(reg);
}

int
tc_registry_schema_version(const struct tc_registry *reg)
{
	return reg->version;
}

int
tc_registry_begin(struct tc_registry *reg, char *err, size_t errlen)
{
	int r;

	if (reg->in_tx || !sqlite3_get_autocommit(reg->db))
		return tc_seterr(
		    err, errlen, TC_ERR_STATE, "a transaction is already open");
	if ((r = exec(reg, "BEGIN IMMEDIATE", "starting a transaction", err,
		 errlen)) != 0)
		return r;
	reg->in_tx = 1;
	reg->dirty = 0;
	reg->audited = 0;
	return 0;
}

void
tc_registry_rollback(struct tc_registry *reg)
{
	if (reg == NULL)
		return;
	if (!sqlite3_get_autocommit(reg->db))
		sqlite3_exec(reg->db, "ROLLBACK", NULL, NULL, NULL);
	reg->in_tx = reg->dirty = reg->audited = 0;
}

int
tc_registry_commit(struct tc_registry *reg, char *err, size_t errlen)
{
	int r;

	if (!reg->in_tx)
		return tc_seterr(
		    err, errlen, TC_ERR_STATE, "no transaction is open");
	if (sqlite3_get_autocommit(reg->db)) {
		reg->in_tx = reg->dirty = reg->audited = 0;
		return tc_seterr(err, errlen, TC_ERR_DB,
		    "%s: SQLite rolled the transaction back after an error; nothing was saved",
		    reg->path);
	}
	if (reg->dirty && !reg->audited) {
		tc_registry_rollback(reg);
		return tc_seterr(err, errlen, TC_ERR_STATE,
		    "the transaction changed the registry without an audit entry; rolled back");
	}
	r = exec(reg, "COMMIT", "committing", err, errlen);
	tc_registry_rollback(reg); /* only clears the state on success */
	return r;
}

int
tc_reg_no_arg(char *err, size_t errlen)
{
	return tc_seterr(err, errlen, TC_ERR_INVALID_ARG, "missing argument");
}

/* Mutations run inside tc_registry_begin .. tc_registry_commit. */
int
tc_reg_need_tx(
    struct tc_registry *reg, const char *what, char *err, size_t errlen)
{
	if (reg == NULL || !reg->in_tx || sqlite3_get_autocommit(reg->db))
		return tc_seterr(err, errlen, TC_ERR_STATE,
		    "%s needs an open transaction (tc_registry_begin)", what);
	return 0;
}

/* Holders. */

void
tc_holder_release(struct tc_holder *h)
{
	if (h != NULL)
		OPENSSL_cleanse(h, sizeof(*h));
}

/* The AAD that binds a sealed ID number to its type. */
static int
holder_aad(enum tc_id_type type, char *aad, size_t len)
{
	const char *name = tc_id_type_name(type);
	int n;

	if (strcmp(name, "unknown") == 0)
		return TC_ERR_INVALID_ARG;
	n = snprintf(aad, len, "%s%s", HOLDER_AAD_PREFIX, name);
	return n > 0 && (size_t)n < len ? 0 : TC_ERR_INTERNAL;
}

/*
 * Checks a normalised ID number and computes its MAC and masked form. The
 * masking function also proves the number is normalised (0-9, A-Z only).
 */
static int
id_prepare(struct tc_registry *reg, enum tc_id_type type, const char *id,
    uint8_t mac[TC_PII_MAC_LEN], char masked[TC_ID_MAX], char *err,
    size_t errlen)
{
	int r;

	if (strcmp(tc_id_type_name(type), "unknown") == 0)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "unknown ID type %d", (int)type);
	if (id == NULL || strnlen(id, TC_ID_MAX) >= TC_ID_MAX ||
	    tc_id_mask(id, masked) != 0)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "the ID number is not in normalised form");
	if ((r = tc_pii_id_mac(reg->keys.pepper, id, mac)) != 0)
		return tc_seterr(err, errlen, r, "computing the ID MAC failed");
	return 0;
}

static int
find_by_mac(struct tc_registry *reg, enum tc_id_type type,
    const uint8_t mac[TC_PII_MAC_LEN], int64_t *id, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc, r;

	if ((r = tc_reg_stmt(reg, TC_REG_HOLDER_FIND, &st, err, errlen)) != 0)
		return r;
	sqlite3_bind_blob(st, 1, mac, TC_PII_MAC_LEN, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, tc_id_type_name(type), -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		r = 0;
	} else if (rc == SQLITE_DONE)
		r = TC_ERR_NOT_FOUND;
	else
		r = tc_reg_dberr(reg, rc, "finding a holder", err, errlen);
	done(st);
	return r;
}

int
tc_registry_holder_add(struct tc_registry *reg, const struct tc_holder *h,
    time_t now, int64_t *id, char *err, size_t errlen)
{
	uint8_t mac[TC_PII_MAC_LEN];
	char masked[TC_ID_MAX], aad[64];
	struct tc_buf sealed;
	sqlite3_stmt *st = NULL;
	int64_t other;
	size_t namelen;
	int rc, r;

	tc_buf_init(&sealed, 256);
	if (reg == NULL || h == NULL || id == NULL)
		return tc_reg_no_arg(err, errlen);
	if ((r = tc_reg_need_tx(reg, "adding a holder", err, errlen)) != 0)
		return r;
	namelen = strnlen(h->name, sizeof(h->name));
	if (namelen == 0 || namelen > TC_HOLDER_NAME_MAX)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "holder name is empty or longer than %d bytes",
		    TC_HOLDER_NAME_MAX);
	if ((r = id_prepare(
		 reg, h->id_type, h->id_number, mac, masked, err, errlen)) != 0)
		return r;
	r = find_by_mac(reg, h->id_type, mac, &other, err, errlen);
	if (r == 0)
		return tc_seterr(err, errlen, TC_ERR_EXISTS,
		    "a holder with %s number %s already exists (holder %lld)",
		    tc_id_type_name(h->id_type), masked, (long long)other);
	if (r != TC_ERR_NOT_FOUND)
		return r;
	if ((r = holder_aad(h->id_type, aad, sizeof(aad))) != 0 ||
	    (r = tc_pii_seal(reg->keys.data_key, aad,
		 (const uint8_t *)h->id_number, strlen(h->id_number),
		 &sealed)) != 0) {
		tc_seterr(err, errlen, r, "sealing the ID number failed");
		goto out;
	}
	if ((r = tc_reg_stmt(reg, TC_REG_HOLDER_INSERT, &st, err, errlen)) != 0)
		goto out;
	sqlite3_bind_text(
	    st, 1, tc_id_type_name(h->id_type), -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, mac, sizeof(mac), SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, sealed.data, (int)sealed.len, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, masked, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, h->name, (int)namelen, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, (int64_t)now);
	if ((rc = sqlite3_step(st)) != SQLITE_DONE) {
		r = tc_reg_dberr(reg, rc, "adding a holder", err, errlen);
		goto out;
	}
	*id = sqlite3_last_insert_rowid(reg->db);
	reg->dirty = 1;
	r = 0;
out:
	done(st);
	tc_buf_release(&sealed);
	return r;
}

int
tc_registry_holder_find(struct tc_registry *reg, enum tc_id_type type,
    const char *normalised_id, int64_t *id, char *err, size_t errlen)
{
	uint8_t mac[TC_PII_MAC_LEN];
	char masked[TC_ID_MAX];
	int r;

	if (reg == NULL || id == NULL)
		return tc_reg_no_arg(err, errlen);
	if ((r = id_prepare(
		 reg, type, normalised_id, mac, masked, err, errlen)) != 0)
		return r;
	r = find_by_mac(reg, type, mac, id, err, errlen);
	if (r == TC_ERR_NOT_FOUND)
		return tc_seterr(err, errlen, r, "no holder with %s number %s",
		    tc_id_type_name(type), masked);
	return r;
}

/* Copies a TEXT column into a fixed field; MALFORMED when it does not fit. */
int
tc_reg_col_int(sqlite3_stmt *st, int col, int nullok, int64_t *v)
{
	int t = sqlite3_column_type(st, col);

	if (t == SQLITE_NULL && nullok) {
		*v = 0;
		return 0;
	}
	if (t != SQLITE_INTEGER)
		return TC_ERR_MALFORMED;
	*v = sqlite3_column_int64(st, col);
	return 0;
}

/* Keeps st, just prepared from sql, in a free or idle slot if any. */
static void
keep(struct tc_registry *reg, const char *sql, sqlite3_stmt *st)
{
	struct tc_reg_kept *k;
	unsigned i;
	char *copy;

	for (i = 0; i < TC_REG_KEPT; i++) {
		k = &reg->kept[(reg->kept_next + i) % TC_REG_KEPT];
		if (!k->busy)
			break;
	}
	if (i == TC_REG_KEPT || (copy = strdup(sql)) == NULL)
		return; /* every slot in use: st is finalized when given back */
	reg->kept_next = (reg->kept_next + i + 1) % TC_REG_KEPT;
	sqlite3_finalize(k->st);
	free(k->sql);
	k->sql = copy;
	k->st = st;
	k->busy = 1;
}

int
tc_reg_prepare(struct tc_registry *reg, const char *sql, sqlite3_stmt **st,
    char *err, size_t errlen)
{
	struct tc_reg_kept *k;
	int rc;

	for (k = reg->kept; k < reg->kept + TC_REG_KEPT; k++)
		if (k->sql != NULL && !k->busy && strcmp(k->sql, sql) == 0) {
			k->busy = 1;
			*st = k->st;
			return 0;
		}
	rc = sqlite3_prepare_v3(
	    reg->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL);
	if (rc != SQLITE_OK) {
		*st = NULL;
		return tc_reg_dberr(
		    reg, rc, "preparing a statement", err, errlen);
	}
	keep(reg, sql, *st);
	return 0;
}

void
tc_reg_finalize(struct tc_registry *reg, sqlite3_stmt *st)
{
	struct tc_reg_kept *k;

	if (st == NULL)
		return;
	for (k = reg->kept; k < reg->kept + TC_REG_KEPT; k++)
		if (k->st == st) {
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			k->busy = 0;
			return;
		}
	sqlite3_finalize(st);
}

/* Finalizes every kept statement (closing, or a schema change). */
static void
kept_clear(struct tc_registry *reg)
{
	size_t i;

	for (i = 0; i < TC_REG_KEPT; i++) {
		sqlite3_finalize(reg->kept[i].st);
		free(reg->kept[i].sql);
	}
	memset(reg->kept, 0, sizeof(reg->kept));
}

int
tc_reg_col_text(sqlite3_stmt *st, int col, char *dst, size_t dstlen, int nullok)
{
	const unsigned char *s;
	int n;

	if (sqlite3_column_type(st, col) == SQLITE_NULL && nullok) {
		dst[0] = '\0';
		return 0;
	}
	if (sqlite3_column_type(st, col) != SQLITE_TEXT)
		return TC_ERR_MALFORMED;
	s = sqlite3_column_text(st, col);
	n = sqlite3_column_bytes(st, col);
	if (s == NULL || n < 0 || (size_t)n >= dstlen ||
	    memchr(s, '\0', (size_t)n) != NULL)
		return TC_ERR_MALFORMED;
	memcpy(dst, s, (size_t)n);
	dst[n] = '\0';
	return 0;
}

int
tc_registry_holder_get(struct tc_registry *reg, int64_t id,
    struct tc_holder *out, char *err, size_t errlen)
{
	uint8_t mac[TC_PII_MAC_LEN];
	char type_name[32], aad[64], masked[TC_ID_MAX];
	struct tc_buf plain;
	sqlite3_stmt *st = NULL;
	const void *blob;
	int rc, n, r;

	tc_buf_init(&plain, TC_ID_MAX);
	if (reg == NULL || out == NULL)
		return tc_reg_no_arg(err, errlen);
	memset(out, 0, sizeof(*out));
	if ((r = tc_reg_stmt(reg, TC_REG_HOLDER_GET, &st, err, errlen)) != 0)
		return r;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		r = tc_seterr(err, errlen, TC_ERR_NOT_FOUND, "no holder %lld",
		    (long long)id);
		goto out;
	}
	if (rc != SQLITE_ROW) {
		r = tc_reg_dberr(reg, rc, "reading a holder", err, errlen);
		goto out;
	}
	if (tc_reg_col_text(st, 0, type_name, sizeof(type_name), 0) != 0 ||
	    tc_id_type_parse(type_name, &out->id_type) != 0 ||
	    tc_reg_col_text(st, 3, out->id_masked, sizeof(out->id_masked), 0) !=
		0 ||
	    tc_reg_col_text(st, 4, out->name, sizeof(out->name), 0) != 0 ||
	    sqlite3_column_bytes(st, 1) != TC_PII_MAC_LEN) {
		r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "holder %lld: a stored field has the wrong type or size",
		    (long long)id);
		goto out;
	}
	if ((r = holder_aad(out->id_type, aad, sizeof(aad))) != 0) {
		tc_seterr(err, errlen, r, "holder %lld: no AAD for its type",
		    (long long)id);
		goto out;
	}
	blob = sqlite3_column_blob(st, 2);
	n = sqlite3_column_bytes(st, 2);
	if (blob == NULL ||
	    (r = tc_pii_open(reg->keys.data_key, aad, blob, (size_t)n, &plain,
		 NULL, 0)) != 0) {
		if (blob == NULL || r == TC_ERR_MALFORMED ||
		    r == TC_ERR_TOO_LARGE)
			r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "holder %lld: the sealed ID number is malformed",
			    (long long)id);
		else
			tc_seterr(err, errlen, r,
			    "holder %lld: the sealed ID number does not open (another data key, or the row was altered)",
			    (long long)id);
		goto out;
	}
	/*
	 * The seal binds the number to its type but not to its row; the MAC
	 * and the masked form, recomputed, bind it to the row.
	 */
	if ((r = tc_pii_id_mac(
		 reg->keys.pepper, (const char *)plain.data, mac)) != 0 ||
	    tc_id_mask((const char *)plain.data, masked) != 0 ||
	    tc_memeq_ct(mac, sqlite3_column_blob(st, 1), sizeof(mac)) != 0 ||
	    strcmp(masked, out->id_masked) != 0) {
		r = tc_seterr(err, errlen, TC_ERR_DECRYPT,
		    "holder %lld: the sealed ID number does not match the row's MAC (the row was altered, or another pepper)",
		    (long long)id);
		goto out;
	}
	memcpy(out->id_number, plain.data, plain.len + 1);
	out->id = id;
	out->created_at = (time_t)sqlite3_column_int64(st, 5);
	r = 0;
out:
	done(st);
	tc_buf_release(&plain);
	if (r != 0)
		tc_holder_release(out);
	return r;
}

/* Cards. */

/* A text field of a caller's struct: terminated, and set if required. */
static int
field_ok(const char *s, size_t size, int required)
{
	size_t n = strnlen(s, size);

	return n < size && (!required || n > 0);
}

static int
card_check(const struct tc_card *c, char *err, size_t errlen)
{
	char region[7], norm[17], msg[128];
	uint64_t serial;

	if (c->serial < 1 || c->serial > (int64_t)TC_CARDNO_SERIAL_MAX)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "card serial %lld is outside 1..%u", (long long)c->serial,
		    TC_CARDNO_SERIAL_MAX);
	if (!field_ok(c->card_no, sizeof(c->card_no), 1) ||
	    tc_cardno_parse(
		c->card_no, region, &serial, norm, msg, sizeof(msg)) != 0 ||
	    strcmp(norm, c->card_no) != 0)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "card number is not 16 digits with a valid check digit");
	if ((int64_t)serial != c->serial)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "card number %s carries serial %llu, not %lld", c->card_no,
		    (unsigned long long)serial, (long long)c->serial);
	if (!field_ok(c->programme, sizeof(c->programme), 1) ||
	    !field_ok(c->tier, sizeof(c->tier), 1) ||
	    !field_ok(c->relation, sizeof(c->relation), 0))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "card %s: programme and tier must be set and at most %d bytes",
		    c->card_no, TC_CARD_TEXT_MAX);
	if (strcmp(tc_card_status_name(c->status), "unknown") == 0)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "card %s: unknown status %d", c->card_no, (int)c->status);
	if (c->expires_at <= c->issued_at)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "card %s: expires_at must be later than issued_at",
		    c->card_no);
	if ((c->principal_serial != 0) != (c->relation[0] != '\0'))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "card %s: a sub-card needs both a principal card and a relation, other cards neither",
		    c->card_no);
	if (c->principal_serial == c->serial)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "card %s cannot be its own principal", c->card_no);
	return 0;
}

/* Reads the current row of a card query into *out. */
static int
card_row(sqlite3_stmt *st, struct tc_card *out)
{
	const char *status;

	memset(out, 0, sizeof(*out));
	out->serial = sqlite3_column_int64(st, 0);
	out->holder_id = sqlite3_column_int64(st, 2);
	out->issued_at = (time_t)sqlite3_column_int64(st, 6);
	out->expires_at = (time_t)sqlite3_column_int64(st, 7);
	out->principal_serial = sqlite3_column_int64(st, 8);
	status = (const char *)sqlite3_column_text(st, 5);
	if (tc_reg_col_text(st, 1, out->card_no, sizeof(out->card_no), 0) !=
		0 ||
	    tc_reg_col_text(st, 3, out->programme, sizeof(out->programme), 0) !=
		0 ||
	    tc_reg_col_text(st, 4, out->tier, sizeof(out->tier), 0) != 0 ||
	    tc_reg_col_text(st, 9, out->relation, sizeof(out->relation), 1) !=
		0 ||
	    status == NULL || tc_card_status_parse(status, &out->status) != 0)
		return TC_ERR_MALFORMED;
	return 0;
}

static int
card_get(struct tc_registry *reg, enum tc_reg_stmt which, int64_t serial,
    const char *card_no, struct tc_card *out, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc, r;

	if ((r = tc_reg_stmt(reg, which, &st, err, errlen)) != 0)
		return r;
	if (card_no != NULL)
		sqlite3_bind_text(st, 1, card_no, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(st, 1, serial);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if ((r = card_row(st, out)) != 0)
			tc_seterr(err, errlen, r,
			    "card %lld: a stored field has the wrong type or size",
			    (long long)sqlite3_column_int64(st, 0));
	} else if (rc == SQLITE_DONE) {
		if (card_no != NULL)
			r = tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
			    "no card %s", card_no);
		else
			r = tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
			    "no card with serial %lld", (long long)serial);
	} else
		r = tc_reg_dberr(reg, rc, "reading a card", err, errlen);
	done(st);
	if (r != 0)
		memset(out, 0, sizeof(*out));
	return r;
}

int
tc_registry_card_get(struct tc_registry *reg, int64_t serial,
    struct tc_card *out, char *err, size_t errlen)
{
	if (reg == NULL || out == NULL)
		return tc_reg_no_arg(err, errlen);
	return card_get(
	    reg, TC_REG_CARD_BY_SERIAL, serial, NULL, out, err, errlen);
}

int
tc_registry_card_get_by_no(struct tc_registry *reg, const char *card_no,
    struct tc_card *out, char *err, size_t errlen)
{
	if (reg == NULL || out == NULL || card_no == NULL)
		return tc_reg_no_arg(err, errlen);
	return card_get(reg, TC_REG_CARD_BY_NO, 0, card_no, out, err, errlen);
}

int
tc_registry_card_add(
    struct tc_registry *reg, const struct tc_card *c, char *err, size_t errlen)
{
	struct tc_card principal;
	sqlite3_stmt *st = NULL;
	int rc, r;

	if (reg == NULL || c == NULL)
		return tc_reg_no_arg(err, errlen);
	if ((r = tc_reg_need_tx(reg, "adding a card", err, errlen)) != 0)
		return r;
	if ((r = card_check(c, err, errlen)) != 0)
		return r;
	if (c->principal_serial != 0) {
		r = tc_registry_card_get(
		    reg, c->principal_serial, &principal, err, errlen);
		if (r == TC_ERR_NOT_FOUND)
			return tc_seterr(err, errlen, TC_ERR_CONSTRAINT,
			    "card %s: principal card with serial %lld does not exist",
			    c->card_no, (long long)c->principal_serial);
		if (r != 0)
			return r;
		if (principal.principal_serial != 0)
			return tc_seterr(err, errlen, TC_ERR_CONSTRAINT,
			    "card %s: principal %s is itself a sub-card",
			    c->card_no, principal.card_no);
	}
	if ((r = tc_reg_stmt(reg, TC_REG_CARD_INSERT, &st, err, errlen)) != 0)
		return r;
	sqlite3_bind_int64(st, 1, c->serial);
	sqlite3_bind_text(st, 2, c->card_no, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, c->holder_id);
	sqlite3_bind_text(st, 4, c->programme, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, c->tier, -1, SQLITE_STATIC);
	sqlite3_bind_text(
	    st, 6, tc_card_status_name(c->status), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, (int64_t)c->issued_at);
	sqlite3_bind_int64(st, 8, (int64_t)c->expires_at);
	if (c->principal_serial != 0) {
		sqlite3_bind_int64(st, 9, c->principal_serial);
		sqlite3_bind_text(st, 10, c->relation, -1, SQLITE_STATIC);
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
		r = tc_seterr(err, errlen, TC_ERR_CONSTRAINT,
		    "card %s: holder %lld does not exist", c->card_no,
		    (long long)c->holder_id);
	else if (rc == SQLITE_CONSTRAINT_PRIMARYKEY ||
	    rc == SQLITE_CONSTRAINT_UNIQUE)
		r = tc_seterr(err, errlen, TC_ERR_EXISTS,
		    "card %s: serial %lld or the card number is already taken",
		    c->card_no, (long long)c->serial);
	else if (rc != SQLITE_DONE)
		r = tc_reg_dberr(reg, rc, "adding a card", err, errlen);
	else {
		reg->dirty = 1;
		r = 0;
	}
	done(st);
	return r;
}

int
tc_registry_card_set_status(struct tc_registry *reg, int64_t serial,
    enum tc_card_status status, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc, r;

	if (reg == NULL)
		return tc_reg_no_arg(err, errlen);
	if ((r = tc_reg_need_tx(
		 reg, "changing a card's status", err, errlen)) != 0)
		return r;
	if (strcmp(tc_card_status_name(status), "unknown") == 0)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "unknown card status %d", (int)status);
	if ((r = tc_reg_stmt(reg, TC_REG_CARD_SET_STATUS, &st, err, errlen)) !=
	    0)
		return r;
	sqlite3_bind_int64(st, 1, serial);
	sqlite3_bind_text(
	    st, 2, tc_card_status_name(status), -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		r = tc_reg_dberr(
		    reg, rc, "changing a card's status", err, errlen);
	else if (sqlite3_changes(reg->db) == 0)
		r = tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
		    "no card with serial %lld", (long long)serial);
	else {
		reg->dirty = 1;
		r = 0;
	}
	done(st);
	return r;
}
