#!/usr/bin/env bash
# Smoke test of a running livestream backend on the embedded dev chain's demo scene.
#   ./test-api.sh [BASE_URL]        (default: $API_URL or http://localhost:3001)
# Needs curl and node (signs requests with dev keys through scripts/sign.ts).
set -u
BASE="${1:-${API_URL:-http://localhost:3001}}"
API="$BASE/api/livestream"
cd "$(dirname "$0")"
SIGN=(node --import tsx scripts/sign.ts)
passed=0
failed=0

# check NAME EXPECTED_STATUS EXPECTED_TEXT METHOD PATH [BODY]
check() {
  local name=$1 want_status=$2 want_text=$3 method=$4 url=$5 body=${6:-}
  local out status
  if [ -n "$body" ]; then
    out=$(curl -sS -m 15 -X "$method" -H 'content-type: application/json' -d "$body" -w $'\n%{http_code}' "$url" 2>&1)
  else
    out=$(curl -sS -m 15 -X "$method" -w $'\n%{http_code}' "$url" 2>&1)
  fi
  status=${out##*$'\n'}
  out=${out%$'\n'*}
  if [ "$status" = "$want_status" ] && [[ "$out" == *"$want_text"* ]]; then
    passed=$((passed + 1))
    echo "ok   $name"
  else
    failed=$((failed + 1))
    echo "FAIL $name: expected $want_status with '$want_text', got $status: ${out:0:300}"
  fi
}

sign() { "${SIGN[@]}" "$@"; }

echo "Testing $BASE"
check "health" 200 '"chain":"connected"' GET "$BASE/health"
check "health/live" 200 '"ok"' GET "$BASE/health/live"
check "health/ready" 200 '"ready"' GET "$BASE/health/ready"
check "rooms" 200 '"rooms":[' GET "$API/rooms"
check "rooms?status=Live" 200 '"status":"Live"' GET "$API/rooms?status=Live&page=1&limit=10"
check "rooms limit > 100 refused" 400 VALIDATION_ERROR GET "$API/rooms?limit=101"
check "room 0" 200 '"id":0' GET "$API/room/0"
check "unknown room" 404 ROOM_NOT_FOUND GET "$API/room/999999"
check "bad room id" 400 VALIDATION_ERROR GET "$API/room/abc"
check "unknown route" 404 NOT_FOUND GET "$API/nope"

check "publisher token (//Alice, room 0)" 200 '"roomName":"room-0"' POST "$API/publisher-token" \
  "$(sign --uri //Alice --room 0 --field publicKey)"
viewer=$(sign --uri //Bob --room 0 --field viewerAddress)
check "viewer token (//Bob, room 0)" 200 '"token":' POST "$API/viewer-token" "$viewer"
check "reused signature" 401 SIGNATURE_REUSED POST "$API/viewer-token" "$viewer"
check "viewer token, <Bytes>-wrapped signature" 200 '"token":' POST "$API/viewer-token" \
  "$(sign --uri //Charlie --room 0 --field viewerAddress --wrap)"
check "viewer leave" 200 '"success":true' POST "$API/viewer-leave" "$(sign --uri //Bob --room 0 --field viewerAddress)"
check "co-host token (//Eve, video)" 200 '"token":' POST "$API/co-host-token" \
  "$(sign --uri //Eve --room 0 --field coHostAddress --extra '{"type":"video"}')"

bad=$(sign --uri //Bob --room 0 --field viewerAddress | sed -E 's/"signature":"0x(..)/"signature":"0xff/')
check "bad signature" 401 INVALID_SIGNATURE POST "$API/viewer-token" "$bad"
check "expired signature" 401 SIGNATURE_EXPIRED POST "$API/viewer-token" \
  "$(sign --uri //Bob --room 0 --field viewerAddress --timestamp 1000000000000)"
check "not the host" 403 NOT_ROOM_HOST POST "$API/publisher-token" "$(sign --uri //Bob --room 0 --field publicKey)"
check "not a co-host" 403 NOT_CO_HOST POST "$API/co-host-token" "$(sign --uri //Dave --room 0 --field coHostAddress)"
check "banned viewer (//Ferdie, room 0)" 403 VIEWER_BANNED POST "$API/viewer-token" \
  "$(sign --uri //Ferdie --room 0 --field viewerAddress)"
check "no ticket (//Charlie, paid room 3)" 402 TICKET_REQUIRED POST "$API/viewer-token" \
  "$(sign --uri //Charlie --room 3 --field viewerAddress)"
check "room not live (room 1 is preparing)" 409 ROOM_NOT_LIVE POST "$API/viewer-token" \
  "$(sign --uri //Dave --room 1 --field viewerAddress)"
check "ended room (host of room 2)" 409 ROOM_NOT_AVAILABLE POST "$API/publisher-token" \
  "$(sign --uri //Charlie --room 2 --field publicKey)"
check "malformed JSON" 400 VALIDATION_ERROR POST "$API/viewer-token" '{"roomId":'

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
