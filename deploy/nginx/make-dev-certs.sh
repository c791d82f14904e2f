#!/usr/bin/env bash
# Test certificates only: a server certificate for hub.test and localhost, a partners' CA,
# and one partner certificate (partner.crt/partner.key) to try the mutual-TLS port with
#   curl --cacert certs/hub.crt --cert certs/partner.crt --key certs/partner.key https://localhost:8443/healthz
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p certs && cd certs
openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=hub.test" \
  -addext "subjectAltName=DNS:hub.test,DNS:localhost,IP:127.0.0.1" -keyout hub.key -out hub.crt
openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=Partners CA (test)" \
  -keyout partners-ca.key -out partners-ca.crt
openssl req -newkey rsa:2048 -nodes -subj "/O=十堰市中级人民法院/CN=partner-test" -utf8 \
  -keyout partner.key -out partner.csr
openssl x509 -req -in partner.csr -CA partners-ca.crt -CAkey partners-ca.key -CAcreateserial \
  -days 365 -out partner.crt
rm -f partner.csr
chmod 600 ./*.key
echo "certificates in $(pwd)"
