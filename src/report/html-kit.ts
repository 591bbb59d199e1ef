/** What the two HTML pages (report, history) share: escaping, the page shell, the stylesheet. */

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** JSON inside <script>: nothing in it may close the element or start a comment. */
export function scriptJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export const BASE_CSS = `
:root{--err:#c62828;--warn:#b26a00;--info:#1565c0;--ok:#2e7d32;--bg:#fff;--fg:#1d1f23;--mute:#667;--line:#dde1e6;--soft:#f5f7fa;
--add:#e3f4e4;--del:#fbe4e4;--chg:#fff1d6}
@media (prefers-color-scheme:dark){:root{--bg:#14161a;--fg:#e4e6ea;--mute:#9aa;--line:#333840;--soft:#1d2026;--add:#17351b;--del:#3d1c1c;--chg:#3b2f12}}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:var(--bg);color:var(--fg)}
header,main,nav{padding:0 24px}
header{padding-top:16px;border-bottom:1px solid var(--line)}
h1{font-size:20px;margin:0 0 6px}
h2{font-size:15px;margin:0}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
.sides{color:var(--mute);margin:0 0 10px}
.cards{display:flex;gap:10px;flex-wrap:wrap;margin:10px 0 16px}
.card{border:1px solid var(--line);border-radius:8px;padding:8px 14px;min-width:110px;background:var(--soft)}
.card b{display:block;font-size:22px}
.card.error b{color:var(--err)}.card.warning b{color:var(--warn)}.card.info b{color:var(--info)}
nav{position:sticky;top:0;background:var(--bg);border-bottom:1px solid var(--line);padding-top:8px;padding-bottom:8px;z-index:2;
display:flex;gap:14px;flex-wrap:wrap;align-items:center}
nav label{white-space:nowrap}
select,input[type=search]{font:inherit;padding:2px 6px;border:1px solid var(--line);border-radius:5px;background:var(--bg);color:var(--fg)}
.badge{display:inline-block;border-radius:4px;padding:0 6px;font-size:11px;font-weight:600;color:#fff;text-transform:uppercase;vertical-align:1px}
.badge.error{background:var(--err)}.badge.warning{background:var(--warn)}.badge.info{background:var(--info)}
.mute{color:var(--mute)}
footer{padding:16px 24px;color:var(--mute);font-size:12px}
`;

export function page(title: string, css: string, body: string, script: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title>
<style>${BASE_CSS}${css}</style>
</head>
<body>
${body}
<script>${script}</script>
</body>
</html>
`;
}
