#!/bin/sh
# kpi-report: the layout of the report (issue 18) - the HTML page fits a
# 1280 pixel screen and a 390 pixel phone without scrolling sideways,
# measured in a real browser (tests/browser); tables scroll in their own
# box, charts scale; a period no row has is a gap, never a line across it;
# a row of zeros is drawn at the bottom.
. "$(dirname "$0")/../lib.sh"
M=$DATA/report-meta
export OPFLOW_NOW=2026-11-01T00:00:00Z

kpi-report -f html -o wide.html "$M/wide.jsonl"

# ---- the page's width, in a browser ----
for width in 1280 390; do
	what="nine KPIs, five groups: the page fits $width pixels"
	if have_browser; then
		tcase "$what" "w=\$(\$BROWSER width wide.html $width) && if [ \"\$w\" -le $width ]; then echo fits; else echo \"\$w pixels wide\"; fi"
		expect_rc 0
		expect_out <<'E'
fits
E
	else
		skip "/usr/bin/chromium is not installed (scripts/install-deps --test)"
	fi
done

# ---- what makes it fit ----
tcase "a table scrolls in its own box" "grep -c '<div class=\"scroll\"><table>' wide.html; grep -o '\\.scroll{[^}]*}' wide.html"
expect_out <<'E'
1
.scroll{overflow-x:auto;max-width:100%;margin:.5em 0}
E
tcase "charts scale to the width: a viewBox, width 100%, columns no wider than the page" \
	"grep -c '<svg class=\"chart\" viewBox=\"0 0 640 240\"' wide.html; grep -o 'svg\\.chart{[^}]*}\\|\\.charts{[^}]*}' wide.html"
expect_out <<'E'
9
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(460px,100%),1fr));gap:1em}
svg.chart{width:100%;height:auto;display:block}
E

# ---- gaps ----
kpi-report -f html -o gap.html "$M/gap.jsonl"
tcase "a month no row has is on the axis" "grep -o '<text class=\"xtick\"[^>]*>[^<]*' gap.html | sed 's/.*>//' | sort -u"
expect_out <<'E'
2026-07
2026-08
2026-09
2026-10
E
tcase "a month no row has is a gap, never joined across" "grep -o '<path class=\"line\"[^>]*d=\"[^\"]*\"' gap.html | sed 's/.*d=//'"
expect_out <<'E'
"M74.0 88.8 L254.0 12.0 M614.0 50.4"
"M74.0 146.4 L254.0 117.6 M614.0 136.8"
"M74.0 204.0 L254.0 204.0 M614.0 204.0"
"M74.0 204.0 L254.0 204.0 M614.0 204.0"
"M74.0 76.0 L254.0 44.0 M614.0 12.0"
"M74.0 44.0 L254.0 124.0"
E
tcase "sparklines: a gap is a dot, zeros at the bottom, a rate over no records none" \
	"kpi-report -f text $M/gap.jsonl | sed -n '/^Trend/,/^Glossary/p' | grep '^  s'"
expect_out <<'E'
  sales    ▁█·▅       ▁▁·▁     █▁··
  service  ▁█·▃       ▁▁·▁     ▁▅·█
E
tcase "a row of one value from zero, never at mid-height" \
	"printf '%s\\n' '{\"period\":\"2026-09\",\"x\":0,\"y\":7}' '{\"period\":\"2026-10\",\"x\":0,\"y\":7}' | kpi-report -f text | sed -n '/^Trend/,\$p' | tail -1"
expect_out <<'E'
  all  ▁▁  ██
E

done_testing
