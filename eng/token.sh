#!/usr/bin/env bash
# Prints an access token for a user of the local OpenID provider that `make run` starts, through the
# password grant (which only that local provider allows). Use it as
#   curl -H "Authorization: Bearer $(eng/token.sh alice)" ...
# Usage: eng/token.sh [USER (alice)] [ISSUER (http://127.0.0.1:$IDENTITY_PORT, port 8082)]. CLIENT_ID (imagerec).
set -euo pipefail
user=${1:-alice}
issuer=${2:-http://127.0.0.1:${IDENTITY_PORT:-8082}}
body=$(curl -sS --fail-with-body -d grant_type=password -d "client_id=${CLIENT_ID:-imagerec}" \
  --data-urlencode "username=$user" "$issuer/token") || { echo "token: $issuer/token refused: $body" >&2; exit 1; }
token=$(printf '%s' "$body" | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
[ -n "$token" ] || { echo "token: no access_token in the answer: $body" >&2; exit 1; }
echo "$token"
