#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The PC/SC environment of the tests, by hand: a private pcscd with the two
# vpcd readers, a tcard in the first and a PIV card in the second
# (tcard-vcard; their memory in HOME/cards/, kept between runs), and the
# commands to try on them. Press Enter to stop: only what this script
# started is stopped. Needs root and the PC/SC packages.
# Usage: tests/integration/pcsc-demo.sh [HOME]   (default $TCARD_HOME; with
# neither, a throw-away demo authority is made and removed at the end)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pcsc-env.sh"
pcsc_skip() { echo "pcsc-demo: $*" >&2; exit 1; }
pcsc_start
H=${1:-${TCARD_HOME:-}}
if [ -z "$H" ]; then
	pcsc_demo
	echo "A throw-away demo authority is in $H (removed when this script ends)."
fi
mkdir -p "$H/cards"
vcard_start 0 "$H/cards/tcard-1.json" --profile tcard || pcsc_skip "the tcard did not come up"
vcard_start 1 "$H/cards/piv-1.json" --profile piv || pcsc_skip "the PIV card did not come up"
cat <<EOT

pcscd runs with two virtual readers:
  '$PCSC_READER0'  a tcard  (state $H/cards/tcard-1.json)
  '$PCSC_READER1'  a PIV card (state $H/cards/piv-1.json)
Try, in another shell:
  export TCARD_HOME=$H PATH=$TC_BIN:\$PATH
  tcard-issuer cards                           # pick a card number
  tcard-issuer personalise CARD --reader '$PCSC_READER0' --as demo-card-producer-1
  tcard-issuer chip show CARD
  tcard-issuer publish --out /tmp/bundle        # trust list, revocations, snapshot
  tcard-verify --bundle /tmp/bundle --ca-pin \$(tcard-keys list | awk '\$1 == "sha256" { print \$2; exit }') --reader '$PCSC_READER0'
  tcard-issuer personalise OTHER --reader '$PCSC_READER1' --as demo-card-producer-1
  pkcs15-tool -r 1 --list-certificates          # OpenSC reads the PIV card
(passphrases: TCARD_PASSPHRASE=... from $H/demo-operators.txt)
EOT
read -r -p "Press Enter to stop pcscd and the cards. " _
