#!/usr/bin/env bash
# A stand-in browser for the conformance suite's auth scenarios (`BROWSER` for aimcp): it
# opens the authorization URL (its last argument) and follows the suite's redirect back to
# aimcp's loopback listener, as a user's browser would after the sign-in. With OPEN_URL_PAGE
# set, the page aimcp shows at the end is written to that file (the tests read it).
if [ -n "${OPEN_URL_PAGE:-}" ]; then
  curl -sS -o "$OPEN_URL_PAGE.part" -L --max-time 30 "${!#}"
  exec mv "$OPEN_URL_PAGE.part" "$OPEN_URL_PAGE"
fi
exec curl -sS -o /dev/null -L --max-time 30 "${!#}"
