#!/usr/bin/env bash
# Regenerates the committed shell completions and man page from the clap definition.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet
bin=target/debug/aimcp
mkdir -p completions man
"$bin" completions bash > completions/aimcp.bash
"$bin" completions zsh > completions/_aimcp
"$bin" completions fish > completions/aimcp.fish
"$bin" completions powershell > completions/_aimcp.ps1
"$bin" completions elvish > completions/aimcp.elv
"$bin" man > man/aimcp.1
echo "regenerated completions/ and man/aimcp.1"
