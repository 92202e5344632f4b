#!/usr/bin/env bash
# A SoftHSM2 token for `bankgate-bench sign-pkcs11`: a private SOFTHSM2_CONF under $1 (default
# /tmp/bankgate-bench-hsm), a token "bench" with PIN 123456 and an imported RSA-2048 key "signer".
# Prints the variables to export. Needs the Debian packages softhsm2 and libengine-pkcs11-openssl.
set -euo pipefail
dir=${1:-/tmp/bankgate-bench-hsm}
rm -rf "$dir" && mkdir -p "$dir/tokens"
printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' "$dir" > "$dir/softhsm2.conf"
export SOFTHSM2_CONF="$dir/softhsm2.conf"
softhsm2-util --init-token --free --label bench --pin 123456 --so-pin 12345678 >/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$dir/key.pem" 2>/dev/null
softhsm2-util --import "$dir/key.pem" --token bench --label signer --id 01 --pin 123456 >/dev/null
module=/usr/lib/softhsm/libsofthsm2.so
echo "export SOFTHSM2_CONF=$SOFTHSM2_CONF BANKGATE_PIN=123456"
echo "# bankgate-bench sign-pkcs11 --uri 'pkcs11:token=bench;object=signer;type=private' --module $module"
echo "# openssl speed -seconds 3 rsa2048; file key for openssl: $dir/key.pem"
