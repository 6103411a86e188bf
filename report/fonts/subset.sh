#!/bin/sh
# Makes wqy-microhei-subset.ttf: WenQuanYi Micro Hei (Debian package
# fonts-wqy-microhei, Apache-2.0) cut down to the characters the charts
# draw, listed in charset.txt by `go test ./report -run TestChartCharset -genfont`.
# Needs pyftsubset (fonttools).
set -e
cd "$(dirname "$0")"
src=${1:-/usr/share/fonts/truetype/wqy/wqy-microhei.ttc}
pyftsubset "$src" --font-number=0 --text-file=charset.txt \
	--output-file=wqy-microhei-subset.ttf --layout-features='' --no-hinting --name-IDs='*'
