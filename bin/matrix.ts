// npm run matrix [-- reports/a/compliance.json reports/b/compliance.json ...] [--out reports/matrix]
// Several compliance.json files -> one static page (requirement x target, grouped by section,
// filterable by keyword and changed-in-23, each cell linking to that target's evidence), a
// Markdown table, and a shields.io endpoint badge per target (MUST requirements met / decided, and how many undecided).
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ComplianceSchema, type Compliance } from '../support/report/compliance.ts';
import { requirements, SECTION_TITLES } from '../support/requirements.ts';
import { escapeText } from '../support/wire/element.ts';
import { slug } from '../support/report/reproducer.ts';


const { values, positionals } = parseArgs({ allowPositionals: true, options: { out: { type: 'string', default: 'reports/matrix' } } });
const out = path.resolve(values.out!);
let files = positionals;
if (!files.length) {
  const dir = path.resolve('reports');
  files = fs.existsSync(dir)
    ? fs.readdirSync(dir).filter((d) => d.startsWith('selftest-')).map((d) => path.join(dir, d, 'compliance.json')).filter((f) => fs.existsSync(f))
    : [];
}
if (!files.length) {
  console.error('matrix: no compliance.json given and none under reports/selftest-*: run `npm test` or name the files');
  process.exit(2);
}

interface Column {
  name: string;
  c: Compliance;
  dir: string;
}
const columns: Column[] = files.map((f) => {
  const c = ComplianceSchema.parse(JSON.parse(fs.readFileSync(f, 'utf8')));
  // the software's own name and version (jabber:iq:version), else the embedded target's name, else the domain
  const sw = c.target.software ? `${c.target.software.name} ${c.target.software.version ?? ''}`.trim() : (c.target.profile?.split(' ')[0] ?? c.target.domain);
  return { name: `${sw}${c.target.profile ? ` (${c.target.profile.split(' ').slice(1).join(' ')})` : ''}`, c, dir: path.dirname(path.resolve(f)) };
});

const esc = (s: string) => escapeText(s).replace(/"/g, '&quot;');
const SYMBOL: Record<string, string> = { passed: '✔', failed: '✖', skipped: '–', broken: '?', 'not-covered': '·' };
/** a failed cell's level: nothing for a MUST violated, S for a SHOULD not met, MAY for an informative MAY */
const LEVEL_MARK: Record<string, string> = { must: '', should: ' S', may: ' MAY' };

fs.mkdirSync(path.join(out, 'badges'), { recursive: true });

// badges: MUST-level requirements met / decided. "Violated" is compliance.json's count of MUST
// violations (a failed requirement whose failing scenario checks a MUST); "met" is every MUST
// requirement that is not violated and was decided: passed, or failed only on a SHOULD part of
// its sentence (its MUST part held). Undecided (broken) MUST requirements are named, not hidden.
for (const col of columns) {
  const mustKeyword = (k: string) => /^(MUST|REQUIRED|SHALL)/.test(k);
  const violated = col.c.requirements.filter((r) => r.verdict === 'failed' && r.level === 'must').length;
  const met = col.c.requirements.filter((r) => mustKeyword(r.keyword) && (r.verdict === 'passed' || (r.verdict === 'failed' && r.level !== 'must'))).length;
  const undecided = col.c.requirements.filter((r) => mustKeyword(r.keyword) && r.verdict === 'broken').length;
  const ratio = met + violated ? met / (met + violated) : 0;
  const badge = {
    schemaVersion: 1,
    label: 'XMPP core MUST',
    message: `${met}/${met + violated}${undecided ? `, ${undecided} undecided` : ''}`,
    color: undecided ? 'orange' : ratio === 1 ? 'brightgreen' : ratio >= 0.9 ? 'green' : ratio >= 0.75 ? 'yellow' : 'red',
  };
  fs.writeFileSync(path.join(out, 'badges', `${slug(col.name)}.json`), JSON.stringify(badge, null, 2) + '\n');
}

const reqs = [...requirements().values()];
const bySection = new Map<string, typeof reqs>();
for (const r of reqs) {
  const top = r.section.split('.')[0]!;
  (bySection.get(top) ?? bySection.set(top, []).get(top)!).push(r);
}
const verdictOf = (col: Column, id: string) => col.c.requirements.find((r) => r.id === id);

// Markdown
const md: string[] = [`| requirement | keyword | -23 | ${columns.map((c) => c.name).join(' | ')} |`, `|---|---|---|${columns.map(() => '---').join('|')}|`];
for (const [top, list] of bySection) {
  md.push(`| **${top} ${SECTION_TITLES[top] ?? ''}** | | |${columns.map(() => '').join(' |')} |`);
  for (const r of list) {
    md.push(`| ${r.id} | ${r.keyword} | ${r.changedIn23 ? 'yes' : ''} | ${columns.map((c) => { const v = verdictOf(c, r.id); return v ? `${SYMBOL[v.verdict]} ${v.verdict}${v.level ? ` (${v.level.toUpperCase()})` : ''}${v.reading ? ' †' : ''}` : ''; }).join(' | ')} |`);
  }
}
md.push('', '† the verdict rests on a contested reading of the sentence (support/readings.json): hover the cell in index.html, or see requirements.html of that target.');
fs.writeFileSync(path.join(out, 'matrix.md'), md.join('\n') + '\n');

// HTML
const summary = columns
  .map((c) => {
    const s = c.c.summary.requirements;
    return `<th>${esc(c.name)}<br><small>${s.passed} passed · ${s.failedMust} MUST violated · ${s.failedShould} SHOULD not met · ${s.skipped} n/a · ${s.broken} undecided · ${s.notCovered} not covered</small><br><small>badge: badges/${slug(c.name)}.json</small></th>`;
  })
  .join('');
const rows: string[] = [];
for (const [top, list] of bySection) {
  rows.push(`<tr class="section"><td colspan="${3 + columns.length}">${top} ${esc(SECTION_TITLES[top] ?? '')}</td></tr>`);
  for (const r of list) {
    const cells = columns
      .map((c) => {
        const v = verdictOf(c, r.id);
        if (!v) return '<td></td>';
        const href = path.relative(out, path.join(c.dir, 'requirements.html')) + `#${r.id}`;
        const title = [v.verdict, v.level?.toUpperCase(), v.reason, v.reading, ...v.scenarios].filter(Boolean).join(' | ');
        return `<td class="${v.verdict}"><a href="${esc(href)}" title="${esc(title)}">${SYMBOL[v.verdict]}${v.verdict === 'failed' ? LEVEL_MARK[v.level ?? 'must'] : ''}${v.reading ? ' †' : ''}</a></td>`;
      })
      .join('');
    rows.push(`<tr data-keyword="${esc(r.keyword)}" data-changed="${r.changedIn23}"><td title="${esc(r.text)}">${r.id}</td><td>${esc(r.keyword)}</td><td>${r.changedIn23 ? '-23' : ''}</td>${cells}</tr>`);
  }
}
const html = `<!doctype html><meta charset="utf-8"><title>XMPP core conformance matrix</title>
<style>
body{font:13px system-ui,sans-serif;margin:1em}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:2px 6px;text-align:center}
td:first-child{text-align:left;font-family:monospace}tr.section td{background:#eef;font-weight:bold;text-align:left}
.passed{background:#dfd}.failed{background:#fdd}.skipped{background:#eee}.broken{background:#fe9}.not-covered{color:#aaa}
a{color:inherit;text-decoration:none}th small{font-weight:normal}
</style>
<h1>XMPP core (draft-ietf-xmpp-core-23 / RFC 3920) conformance matrix</h1>
<p>✔ passed · ✖ failed (S: a SHOULD not met, MAY: an informative MAY not used, else a MUST violated) · – not applicable · ? suite could not decide · · not covered · † the verdict rests on a contested reading of the sentence, disclosed with the other reading's conclusion. Hover a cell for the scenarios and the reading; click for the evidence.</p>
<p><label>keyword <select id="kw"><option value="">all</option><option>MUST</option><option>MUST NOT</option><option>REQUIRED</option><option>SHOULD</option><option>SHOULD NOT</option><option>RECOMMENDED</option><option>MAY</option><option>OPTIONAL</option></select></label>
<label><input type="checkbox" id="ch"> changed in -23 only</label></p>
<table><thead><tr><th>requirement</th><th>keyword</th><th>-23</th>${summary}</tr></thead><tbody>
${rows.join('\n')}
</tbody></table>
<script>
const kw=document.getElementById('kw'),ch=document.getElementById('ch');
function apply(){for(const tr of document.querySelectorAll('tr[data-keyword]')){const ok=(!kw.value||tr.dataset.keyword===kw.value)&&(!ch.checked||tr.dataset.changed==='true');tr.style.display=ok?'':'none';}}
kw.onchange=apply;ch.onchange=apply;
</script>
`;
fs.writeFileSync(path.join(out, 'index.html'), html);
console.log(`matrix: ${columns.length} target(s) -> ${path.relative(process.cwd(), out)}/index.html, matrix.md, badges/`);
