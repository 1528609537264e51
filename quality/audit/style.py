"""The report's stylesheet, inlined into the page so it renders with nothing fetched.

System fonts only (no web font to download), colours that keep their meaning in
grey print (badges carry a word, not just a colour), and tables that break across
printed pages between rows.
"""

CSS = """
:root { --ink: #1f2933; --muted: #616e7c; --line: #d9e2ec; --bg: #f5f7fa;
  --ok: #1b5e20; --ok-bg: #e3f4e5; --warn: #7a4f01; --warn-bg: #fff3c4;
  --bad: #a61b1b; --bad-bg: #fde2e2; --accent: #243b53; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans",
  Arial, sans-serif; }
main { max-width: 1240px; margin: 0 auto; padding: 32px 28px 48px; }
header { background: #fff; border: 1px solid var(--line); border-radius: 10px;
  padding: 24px 28px; margin-bottom: 24px; border-top: 5px solid var(--accent); }
.eyebrow { margin: 0; text-transform: uppercase; letter-spacing: .12em; font-size: 11px;
  color: var(--muted); font-weight: 600; }
h1 { margin: 2px 0 14px; font-size: 26px; color: var(--accent); }
h2 { font-size: 18px; margin: 0 0 6px; color: var(--accent); }
h3 { font-size: 15px; margin: 22px 0 8px; color: var(--accent); }
h4 { font-size: 13px; margin: 0 0 6px; font-family: ui-monospace, "DejaVu Sans Mono",
  monospace; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0 0 18px;
  font-size: 13px; }
.meta dt { color: var(--muted); }
.meta dd { margin: 0; font-family: ui-monospace, "DejaVu Sans Mono", monospace;
  word-break: break-all; }
.cards { display: grid; grid-template-columns: 1.5fr 1fr 1.3fr; gap: 14px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; }
.card-title { font-size: 12px; text-transform: uppercase; letter-spacing: .08em;
  color: var(--muted); margin: 0 0 6px; font-weight: 600; }
.card ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap;
  gap: 4px 18px; }
.card li { color: var(--muted); }
.card .figure { font-size: 22px; font-weight: 700; color: var(--ink); margin-right: 2px; }
.card li.ok .figure { color: var(--ok); }
.card li.warn .figure { color: var(--warn); }
.card li.bad .figure { color: var(--bad); }
section { background: #fff; border: 1px solid var(--line); border-radius: 10px;
  padding: 20px 24px; margin-bottom: 24px; }
.lead { margin: 0 0 14px; color: var(--muted); }
.empty { color: var(--muted); font-style: italic; margin: 4px 0; }
.note { color: var(--muted); font-size: 12px; margin: 10px 0 0; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th { text-align: left; font-weight: 600; color: var(--muted); font-size: 11px;
  text-transform: uppercase; letter-spacing: .05em; border-bottom: 2px solid var(--line);
  padding: 8px 10px; vertical-align: bottom; }
td { padding: 7px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
td.name { overflow-wrap: anywhere; }
td.asset { overflow-wrap: break-word; }
td.id { white-space: nowrap; }
.kind { display: block; color: var(--muted); font-size: 12px; }
.scroll { overflow-x: auto; }
.time { white-space: nowrap; font-variant-numeric: tabular-nums; }
tbody tr:nth-child(even) td { background: #fafbfc; }
tr { page-break-inside: avoid; }
tfoot td { font-weight: 700; border-top: 2px solid var(--line); border-bottom: none; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
td.total { font-weight: 600; }
table.compact td, table.compact th { padding: 5px 8px; }
code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px;
  background: #f0f4f8; border-radius: 4px; padding: 1px 5px; }
details code { display: block; white-space: pre-wrap; margin-top: 4px; padding: 6px 8px; }
summary { cursor: pointer; color: var(--accent); font-size: 12px; }
a { color: var(--accent); }
.badge { display: inline-block; padding: 1px 9px; border-radius: 999px; font-size: 12px;
  font-weight: 600; white-space: nowrap; border: 1px solid transparent; }
.badge.ok { color: var(--ok); background: var(--ok-bg); }
.badge.warn { color: var(--warn); background: var(--warn-bg); }
.badge.bad { color: var(--bad); background: var(--bad-bg); border-color: #f5b5b5; }
.badge.muted { color: var(--muted); background: #eef2f6; }
.sub { color: var(--muted); font-size: 12px; white-space: nowrap; }
.proof { border-left: 3px solid var(--line); padding: 4px 0 4px 14px; margin: 0 0 16px; }
.detail { margin: 0 0 6px; font-size: 13px; }
.detail.bad { color: var(--bad); }
.detail.muted { color: var(--muted); }
h4 .sub { font-family: system-ui, sans-serif; font-weight: 400; }
.callout { border: 1px solid #f5b5b5; background: var(--bad-bg); color: var(--bad);
  border-radius: 8px; padding: 10px 14px; margin: 0 0 14px; }
.callout ul { margin: 4px 0 0; padding-left: 20px; }
.callout code { background: #fff; }
figure { margin: 0; }
figcaption { color: var(--muted); font-size: 12px; margin-top: 4px; }
svg.plot { width: 100%; height: auto; font-size: 12px; fill: var(--muted); }
svg.plot .grid { stroke: #e4e7eb; stroke-width: 1; }
svg.plot .axis { stroke: #9aa5b1; stroke-width: 1; }
svg.plot .axis-title { fill: var(--ink); font-weight: 600; }
svg.plot .legend text { fill: var(--ink); }
footer { color: var(--muted); font-size: 12px; text-align: center; }
@media print { body { background: #fff; } main { padding: 0; }
  section, header { border: none; padding: 8px 0; } details { display: block; } }
"""
