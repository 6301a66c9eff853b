#!/usr/bin/env bash
# A stand-in browser for the conformance suite's auth scenarios (`BROWSER` for aimcp): it
# opens the authorization URL (its last argument) and follows the suite's redirect back to
# aimcp's loopback listener, as a user's browser would after the sign-in.
exec curl -sS -o /dev/null -L --max-time 30 "${!#}"
