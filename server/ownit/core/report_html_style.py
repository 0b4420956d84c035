"""The HTML report's style sheet (data: one inline <style>, no external resource)."""

from __future__ import annotations

STYLE = """
:root {
  --ink: #1b1f24; --muted: #57606a; --line: #d8dde3; --soft: #f3f5f7;
  --accent: #0b3d6e; --owned: #1f5fa6;
}
* { box-sizing: border-box; }
html {
  font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue",
    "DejaVu Sans", Arial, sans-serif;
  color: var(--ink); background: #eef1f4;
}
body { margin: 0; }
main {
  max-width: 1040px; margin: 24px auto; padding: 36px 48px 28px; background: #fff;
  border: 1px solid var(--line); border-radius: 6px;
}
code, .mono {
  font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace;
  font-size: 0.86em; overflow-wrap: anywhere;
}
.muted { color: var(--muted); }
.masthead { border-bottom: 3px solid var(--accent); padding-bottom: 18px; }
.kicker {
  margin: 0; color: var(--accent); font-weight: 700; letter-spacing: 0.08em;
  text-transform: uppercase; font-size: 12px;
}
h1 { margin: 4px 0 14px; font-size: 30px; line-height: 1.2; overflow-wrap: anywhere; }
.facts {
  display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin: 0;
  font-size: 14px;
}
.facts dt { color: var(--muted); font-weight: 600; }
.facts dd { margin: 0; overflow-wrap: anywhere; min-width: 0; }
.toc ol {
  list-style: none; display: flex; flex-wrap: wrap; gap: 6px 20px; padding: 12px 0 0;
  margin: 0; font-size: 14px;
}
.toc a { color: var(--accent); text-decoration: none; }
.toc a:hover { text-decoration: underline; }
section { margin-top: 38px; }
h2 {
  font-size: 20px; margin: 0 0 12px; padding-bottom: 6px;
  border-bottom: 1px solid var(--line); color: var(--accent);
}
h3 { font-size: 16px; margin: 22px 0 8px; }
p { margin: 8px 0; max-width: 78ch; }
.lead { font-size: 17px; margin: 4px 0 16px; }
.cards {
  display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 14px;
  margin: 6px 0 18px;
}
.card { border: 1px solid var(--line); border-left: 4px solid var(--accent); border-radius: 6px;
  padding: 12px 16px; break-inside: avoid; }
.card-label { font-size: 13px; color: var(--muted); font-weight: 600; }
.card-value { font-size: 30px; font-weight: 700; line-height: 1.25;
  font-variant-numeric: tabular-nums; }
.card-detail { font-size: 13px; color: var(--muted); }
figure.chart-figure { margin: 14px 0 18px; break-inside: avoid; }
figure svg.chart { display: block; width: 100%; height: auto; }
figcaption { font-size: 13px; color: var(--muted); margin-top: 4px; }
.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 4px 22px; margin: 0 0 6px;
  padding: 0; font-size: 13px; }
.legend li { display: flex; align-items: center; gap: 7px; }
.legend svg { flex: none; }
.terms { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px;
  font-size: 14px; margin: 10px 0; }
.terms dt { font-weight: 600; }
.terms dd { margin: 0; }
.table-wrap { overflow-x: auto; margin: 10px 0 6px; }
table { border-collapse: collapse; width: 100%; font-size: 13.5px; }
th, td { padding: 6px 10px; border-bottom: 1px solid var(--line); text-align: left;
  vertical-align: top; overflow-wrap: anywhere; }
th { background: var(--soft); font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
dl.kv { columns: 2 22em; column-gap: 32px; margin: 8px 0; font-size: 14px; }
dl.kv div { break-inside: avoid; display: flex; gap: 10px; padding: 4px 0;
  border-bottom: 1px solid var(--line); }
dl.kv dt { flex: 0 0 48%; min-width: 0; }
dl.kv dd { margin: 0; min-width: 0; overflow-wrap: anywhere; }
table.tip code.cmd { white-space: pre-wrap; }
table.rules td:first-child { width: 26%; }
@media screen {
  table.owned td:nth-child(4) { min-width: 16em; }
  table.owned td:first-child, table.tip td:first-child { min-width: 14em; }
  table.owned td:nth-child(3) { min-width: 11em; }
  table.owned td:nth-child(5), table.tip td:nth-child(3) { min-width: 7.5em; }
}
table.rules td:nth-child(2) code { display: inline-block; margin: 0 4px 2px 0; }
details.data { margin: 6px 0; font-size: 14px; }
details.data summary { cursor: pointer; color: var(--accent); }
.note { color: var(--muted); font-size: 14px; }
.empty { color: var(--muted); font-style: italic; }
footer { margin-top: 40px; padding-top: 10px; border-top: 1px solid var(--line);
  font-size: 12px; color: var(--muted); }
@page { size: A4; margin: 14mm 12mm 16mm; }
@media print {
  html { background: #fff; font-size: 10.5pt; }
  main { max-width: none; margin: 0; padding: 0; border: 0; }
  .toc, details.data { display: none; }
  section { break-before: page; margin-top: 0; }
  section:first-of-type { break-before: auto; margin-top: 20px; }
  h2, h3 { break-after: avoid; }
  figure, .card, tr { break-inside: avoid; }
  .cards { grid-template-columns: repeat(4, 1fr); gap: 8px; }
  .card { padding: 8px 10px; }
  .card-value { font-size: 18pt; }
  .table-wrap { overflow: visible; }
  table { font-size: 8.5pt; }
  th, td { padding: 4px 6px; }
  thead { display: table-header-group; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
}
""".strip()
