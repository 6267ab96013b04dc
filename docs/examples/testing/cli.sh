#!/usr/bin/env bash
# Any language: start the mock provider as a process, read its issuer, drive it over HTTP.
set -euo pipefail
node_modules/.bin/idtoken-verify-mock-idp --port 0 --client-id my-client-id > idp.out &
idp_pid=$!
trap 'kill $idp_pid' EXIT
until issuer=$(head -n 1 idp.out) && [ -n "$issuer" ]; do sleep 0.1; done

curl -sf "$issuer/.well-known/openid-configuration" | grep -o '"jwks_uri":"[^"]*"'
curl -sf -X POST "$issuer/_mock/id-token" -H 'content-type: application/json' \
  -d '{"claims":{"sub":"alice"}}' | grep -o '"token":"[^"]*"' | cut -c1-20
curl -sf -X PUT "$issuer/_mock/faults/jwks" -H 'content-type: application/json' -d '{"status":503,"times":1}'
curl -s -o /dev/null -w '%{http_code}\n' "$issuer/jwks"
