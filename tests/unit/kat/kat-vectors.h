/* SPDX-License-Identifier: MIT */
/*
 * Known-answer vectors of the COSE_Sign1 and credential encodings, as hex
 * (and the QR texts as text), for tests/unit/test-kat-cose.c and
 * tests/unit/test-kat-credential.c. They were produced ONCE by the code at
 * the commit that added this file, with the test keys whose public halves are in
 * kat-keys.h (the private halves were thrown away), and
 * follow the encoding of docs/formats.md ("Credential and QR e-card") and
 * docs/cose.md at that commit. They must only change together with a
 * format version (TC_CRED_VERSION, the "TC1" prefixes): a test failing
 * here means the bytes on the wire changed, not that the vector is stale.
 *
 * The Makefile's unit-test rule does not track headers: after changing one
 * here, touch tests/unit/test-kat-*.c (or make clean) to rebuild the tests.
 *
 * The signatures are ECDSA/SM2 signatures made then (randomised, so a new
 * signature of the same message differs); everything else is deterministic.
 * Inputs, all made up:
 *   COSE payload: the ASCII text "talentcard known-answer payload 1 (made up)".
 *   Claims 1, main QR e-card: card 4401110000000178 (region 440111, serial
 *     17), programme code 3, tier "A", name "样例 Kat Holder", issued at
 *     1767196800 (2026-01-01 00:00 Asia/Shanghai), expires at 1798732800
 *     (2027-01-01 00:00 Asia/Shanghai), bound to the made-up ID number
 *     11010519491231002X (the sample number of GB 11643).
 *   Claims 2, chip sub-card: card 4401110000000186, name "样例 Kat Spouse",
 *     principal 4401110000000178, relation "spouse", card key the SPKI of
 *     the P-256 test key (kat_card_key), otherwise as claims 1.
 *   Claims 3: card 4401110000000194, name "样例 Kat" followed by
 *     24 times " Holder" (long enough for zlib to pay, hence "TC1:"),
 *     otherwise as claims 1.
 *   Every binding: tc_claims_bind(claims, "11010519491231002X").
 */
#ifndef TCARD_KAT_VECTORS_H
#define TCARD_KAT_VECTORS_H

#define KAT_PAYLOAD    "talentcard known-answer payload 1 (made up)"
#define KAT_HOLDER_ID  "11010519491231002X"
#define KAT_ISSUED_AT  1767196800
#define KAT_EXPIRES_AT 1798732800
#define KAT_NOW	       1780000000 /* 2026-05-29, within the validity */

static const char kat_es256_kid[] = "a0d0a53c0471404e";
static const char kat_es256_protected[] = "a201260448a0d0a53c0471404e";
static const char kat_es256_tbs[] =
    "846a5369676e6174757265314da201260448a0d0a53c0471404e40582b74616c"
    "656e7463617264206b6e6f776e2d616e73776572207061796c6f616420312028"
    "6d61646520757029";
static const char kat_es256_sig[] =
    "5741e5bdceb9cf290ee53706aa029120d16009ea52f7fcfd462c5240e40d678b"
    "763d274b62bfa574bb6b9d170a54bd2b953d2e30d920a745d29c319929799a0b";
static const char kat_es256_cose[] =
    "d2844da201260448a0d0a53c0471404ea0582b74616c656e7463617264206b6e"
    "6f776e2d616e73776572207061796c6f6164203120286d616465207570295840"
    "5741e5bdceb9cf290ee53706aa029120d16009ea52f7fcfd462c5240e40d678b"
    "763d274b62bfa574bb6b9d170a54bd2b953d2e30d920a745d29c319929799a0b";

static const char kat_sm2_kid[] = "3b4d3eea34236a91";
static const char kat_sm2_protected[] = "a2013a0001000004483b4d3eea34236a91";
static const char kat_sm2_tbs[] =
    "846a5369676e61747572653151a2013a0001000004483b4d3eea34236a914058"
    "2b74616c656e7463617264206b6e6f776e2d616e73776572207061796c6f6164"
    "203120286d61646520757029";
static const char kat_sm2_sig[] =
    "2e7b8188e50e987cafa9473823d5d8a96ad8acc15d4146b0bfbe404f4812a387"
    "c8933fc639a4170e9b8a8400e0c11928353d25b7321ee0de5b44c958523756c1";
static const char kat_sm2_cose[] =
    "d28451a2013a0001000004483b4d3eea34236a91a0582b74616c656e74636172"
    "64206b6e6f776e2d616e73776572207061796c6f6164203120286d6164652075"
    "702958402e7b8188e50e987cafa9473823d5d8a96ad8acc15d4146b0bfbe404f"
    "4812a387c8933fc639a4170e9b8a8400e0c11928353d25b7321ee0de5b44c958"
    "523756c1";

static const char kat_card_key[] =
    "3059301306072a8648ce3d020106082a8648ce3d03010703420004c3dc950265"
    "33e7273275dfd03d664a2859a68ee2cadbe0192b40c6cc67d061c2b4dab7a3b5"
    "8c3f0a44414c77907b2a797eeff8ac324617f3ed4a45c11387d255";
/* Card numbers: 4401110000000178 4401110000000186 4401110000000194. */
static const char kat_binding1[] = "7003f31b76404638";
static const char kat_binding2[] = "9b6e77e4f9ec501c";
static const char kat_binding3[] = "a74834804da014f6";
static const char kat_claims1[] =
    "a7011b000fa2c9462adcb202030361410471e6a0b7e4be8b204b617420486f6c"
    "64657205487003f31b7640463806194fe607195153";
static const char kat_claims2[] =
    "aa011b000fa2c9462adcba02030361410471e6a0b7e4be8b204b61742053706f"
    "75736505489b6e77e4f9ec501c06194fe607195153081b000fa2c9462adcb209"
    "6673706f7573650a585b3059301306072a8648ce3d020106082a8648ce3d0301"
    "0703420004c3dc95026533e7273275dfd03d664a2859a68ee2cadbe0192b40c6"
    "cc67d061c2b4dab7a3b58c3f0a44414c77907b2a797eeff8ac324617f3ed4a45"
    "c11387d255";
static const char kat_claims3[] =
    "a7011b000fa2c9462adcc202030361410478b2e6a0b7e4be8b204b617420486f"
    "6c64657220486f6c64657220486f6c64657220486f6c64657220486f6c646572"
    "20486f6c64657220486f6c64657220486f6c64657220486f6c64657220486f6c"
    "64657220486f6c64657220486f6c64657220486f6c64657220486f6c64657220"
    "486f6c64657220486f6c64657220486f6c64657220486f6c64657220486f6c64"
    "657220486f6c64657220486f6c64657220486f6c64657220486f6c6465722048"
    "6f6c6465720548a74834804da014f606194fe607195153";

static const char kat_cred1_es256_text[] =
    "TC1N:RRQT 9O60GO0%EK0+KCP0$588CKAZ6D60F003QK7*8N+RKB0AJ0*98/HEDE"
    "KD-SLQH$N9SUE379SVD5$C2U0A7E0XUW.EL*8VY0O4AH+0TCA27B2/MC$V*%U34M"
    "8N7KTDZKDB6T62OGT1E*TE%2K4QH2LRY37-7SSAJDCJ99M1QIJ3CTNMNS2C0WD5/"
    "ICYVLM93/KMAYTVAE17T";
static const char kat_cred1_es256_cose[] =
    "d2844da201260448a0d0a53c0471404ea05835a7011b000fa2c9462adcb20203"
    "0361410471e6a0b7e4be8b204b617420486f6c64657205487003f31b76404638"
    "06194fe6071951535840b597fbc4f423aebd3b726c026a7ce67ebe380d12ec4e"
    "168ece72a6881dd03e9b5422614848d9cded1b24bb14e19d021e29f66241abb2"
    "1966b1b5eb69709fe6a1";

static const char kat_cred1_sm2_text[] =
    "TC1N:RRQIEA:60100000GO0GM7-.7RQ6BLD8CKAZ6D60F003QK7*8N+RKB0AJ0*9"
    "8/HEDEKD-SLQH$N9SUE379SVD5$C2U0A7E0XUW.EL*8VY0O4AH+0TCA27B5ZBD 3"
    ".TUGVMOI8SERGJF7%0C%A-AK0JJX4JV62K98L%NLOAOR280AM255P5ZVG:PUSBGX"
    "Y6U7CRU9G*1J-L-ZU.BIT-B0Y8";
static const char kat_cred1_sm2_cose[] =
    "d28451a2013a0001000004483b4d3eea34236a91a05835a7011b000fa2c9462a"
    "dcb202030361410471e6a0b7e4be8b204b617420486f6c64657205487003f31b"
    "7640463806194fe60719515358405d2f1e1cf291b389428ad8257a0e06b555d4"
    "a01f99a2972010ff40f1bcb2536714a94f2227fd2bf78426f1df809b35916045"
    "4c920ed4ad65f39e907b5e554542";

static const char kat_cred2_es256_text[] =
    "TC1N:RRQT 9O60GO0%EK0+KCP0$588CKK.KD60F003QK7*8V+RKB0AJ0*98/HEDE"
    "KD-SLQH$N9SUEUOA34ELQE2U0ATJ27FZQVX5AVY0O4AH+0TCA511F003QK7*8N+R"
    "L81WQE34ELQE%D1YNBHCBAI2Y+0-/GC3QIB0EY0-G58994W7%50OI0400AYOV$IW"
    "ZC0AT2H6BDSDY7*G90FB%2I1TP*ES2L5.5PQ5D6GC%%MV9N .MS/7DS80U9.BISG"
    "552GUJV0G6B13-:T$ 84L2PQQ27B5N1AGBE.6 JFRSPKAMH:M/5TV+UBEJJ0R:BB"
    "*GTEPGNCK5E3DU4-LTP7OD*LFHG6ZBM54CEDE*J4KEZ 4ZNGM6RETH3-P% V";
static const char kat_cred2_es256_cose[] =
    "d2844da201260448a0d0a53c0471404ea058a5aa011b000fa2c9462adcba0203"
    "0361410471e6a0b7e4be8b204b61742053706f75736505489b6e77e4f9ec501c"
    "06194fe607195153081b000fa2c9462adcb2096673706f7573650a585b305930"
    "1306072a8648ce3d020106082a8648ce3d03010703420004c3dc95026533e727"
    "3275dfd03d664a2859a68ee2cadbe0192b40c6cc67d061c2b4dab7a3b58c3f0a"
    "44414c77907b2a797eeff8ac324617f3ed4a45c11387d25558400bf959dd36e6"
    "7a22cac8afdcb5d3e671f47598ccd5a6591ee85c8303a0671a3624f7e93fbf2c"
    "ad05819c5d30209b69579d347246261b82bed6b78ba0ccf9fbb1";

static const char kat_cred3_es256_text[] =
    "TC1:NCFOXN%TSMAHN-HMRCD+G8%6. G2.FDH4U:5AYIJGSQYEC%9T2QK%4/4TB29"
    "ZLH48QAWDNQM:QBQO76V8NK4V.40.M6FQ7YL9VP.R9.UFKBHLQC-+UJ2PY73DT3X"
    "HOR+TKGFO AKPITB238QQXJDIKIQ6+4SV:21TFE+TBDM6B4.B4%GMJKSLVNU9S84"
    "3CNDY.AP*DR9FQDS8YV-2G7QEKMTSRJ$*9G-3J TRGE";
static const char kat_cred3_es256_cose[] =
    "d2844da201260448a0d0a53c0471404ea058d7a7011b000fa2c9462adcc20203"
    "0361410478b2e6a0b7e4be8b204b617420486f6c64657220486f6c6465722048"
    "6f6c64657220486f6c64657220486f6c64657220486f6c64657220486f6c6465"
    "7220486f6c64657220486f6c64657220486f6c64657220486f6c64657220486f"
    "6c64657220486f6c64657220486f6c64657220486f6c64657220486f6c646572"
    "20486f6c64657220486f6c64657220486f6c64657220486f6c64657220486f6c"
    "64657220486f6c64657220486f6c64657220486f6c6465720548a74834804da0"
    "14f606194fe607195153584006e6c437843a682246c40df378091c55ac2880ec"
    "3b72aee8034dc17b206300677177e1e43eeef7d0338928bb239b3901dd2f4f4b"
    "e70f82038a75f53c8209164c";

#endif
