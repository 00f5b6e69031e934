#!/usr/bin/env bash
# Regenerates the app icons: draws the logo (two overlapping panes) with ImageMagick,
# then lets the Tauri CLI cut every size the bundler wants. Run from anywhere.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
convert -size 1024x1024 gradient:'#312e81'-'#0f172a' "$tmp/grad.png"
convert -size 1024x1024 xc:none -fill white -draw "roundrectangle 40,40 983,983 220,220" "$tmp/mask.png"
convert "$tmp/grad.png" "$tmp/mask.png" -alpha off -compose CopyOpacity -composite "$tmp/bg.png"
convert "$tmp/bg.png" \
  -fill 'rgba(129,140,248,0.95)' -draw "roundrectangle 190,250 590,770 64,64" \
  -fill 'rgba(255,255,255,0.85)' -draw "roundrectangle 240,330 400,362 16,16" \
  -fill 'rgba(255,255,255,0.55)' -draw "roundrectangle 240,410 370,436 13,13" \
  -fill 'rgba(255,255,255,0.55)' -draw "roundrectangle 240,470 390,496 13,13" \
  -fill 'rgba(255,255,255,0.55)' -draw "roundrectangle 240,530 350,556 13,13" \
  -fill 'rgba(45,212,191,0.82)' -draw "roundrectangle 434,290 834,810 64,64" \
  -fill 'rgba(255,255,255,0.9)' -draw "roundrectangle 484,370 764,402 16,16" \
  -fill 'rgba(255,255,255,0.6)' -draw "roundrectangle 484,450 714,476 13,13" \
  -fill 'rgba(255,255,255,0.6)' -draw "roundrectangle 484,510 744,536 13,13" \
  -fill 'rgba(255,255,255,0.6)' -draw "roundrectangle 484,570 684,596 13,13" \
  -depth 8 "$tmp/logo.png"
cd "$root"
ui/node_modules/.bin/tauri icon "$tmp/logo.png" -o icons
# Desktop bundles only: drop the mobile and Windows Store variants.
rm -rf icons/android icons/ios icons/Square*Logo.png icons/StoreLogo.png
