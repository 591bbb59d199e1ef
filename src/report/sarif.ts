/**
 * SARIF 2.1.0 for GitHub code scanning (and any other SARIF consumer).
 *
 * - Every rule is in the driver, with its documentation page as `help.markdown`.
 * - A finding with a `location` gets a physical location (repo-relative uri + line); one without gets a
 *   logical location `system:event` only. GitHub's code-scanning UI shows only located results; the
 *   others still validate and stay in the file for other SARIF viewers.
 * - `partialFingerprints` come from `fingerprint()` (rule + event + field, never a line), so GitHub tracks
 *   an alert across runs even when the code moves.
 * - Baseline- or suppressions-file-accepted findings carry `suppressions` (and `baselineState`).
 * - Info findings are left out unless `--show info` asks for them (code scanning is for what needs a look; a
 *   whole-tree diff has thousands of info notes): `run.properties.scope.hidden` counts what was left out.
 * - GitHub rejects runs with more than 25,000 results or files over 10 MB: the output is cut below both,
 *   most severe findings first, with a note in `run.properties` and on stderr.
 */
import fs from 'node:fs';
import type * as Sarif from 'sarif';
import { RULES } from '../../rules/index.js';
import type { Rule } from '../engine/rule.js';
import { type Severity, fingerprint } from '../engine/finding.js';
import { ruleDocPath } from './rule-docs.js';
import type { ReportData, ReportFinding, Reporter } from './model.js';

export const SARIF_MAX_RESULTS = 25_000;
/** GitHub's limit is 10 MB (gzip-compressed upload); staying under it uncompressed is always accepted. */
export const SARIF_MAX_BYTES = 10 * 1024 * 1024;
/** Where to learn about the tool: its npm page (the package name is in package.json). */
const INFORMATION_URI = 'https://www.npmjs.com/package/tpdrift';

export function sarifLevel(s: Severity): Sarif.ReportingConfiguration.level {
  return s === 'error' ? 'error' : s === 'warning' ? 'warning' : 'note';
}

const docCache = new Map<string, string | null>();
function ruleMarkdown(id: string): string | undefined {
  if (!docCache.has(id)) {
    const p = ruleDocPath(id);
    docCache.set(id, p ? fs.readFileSync(p, 'utf8') : null);
  }
  return docCache.get(id) ?? undefined;
}

/** The first paragraph of a rule page, as plain text (for fullDescription). */
function firstParagraph(md: string): string | undefined {
  const paras = md.split(/\n\s*\n/).map((p) => p.trim());
  const p = paras.find((x) => x !== '' && !x.startsWith('#') && !x.startsWith('-') && !x.startsWith('```'));
  return p?.replace(/`/g, '').replace(/\s*\n\s*/g, ' ');
}

function pascal(id: string): string {
  return id.replace(/(^|-)([a-z])/g, (_, _d: string, c: string) => c.toUpperCase());
}

function ruleDescriptor(rule: Rule): Sarif.ReportingDescriptor {
  const md = ruleMarkdown(rule.meta.id);
  const full = (md && firstParagraph(md)) || rule.meta.description;
  const d: Sarif.ReportingDescriptor = {
    id: rule.meta.id,
    name: pascal(rule.meta.id),
    shortDescription: { text: ensurePeriod(rule.meta.description) },
    fullDescription: { text: ensurePeriod(full) },
    help: md ? { text: md, markdown: md } : { text: ensurePeriod(rule.meta.description) },
    defaultConfiguration: { level: sarifLevel(rule.meta.severity) },
    properties: { category: rule.meta.category, tags: ['tracepoint', 'abi', rule.meta.category] },
  };
  return d;
}

function ensurePeriod(s: string): string {
  const t = s.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

function resultFor(f: ReportFinding, ruleIndex: Map<string, number>, hasBaseline: boolean): Sarif.Result {
  const eventWord = f.events && f.events.length > 1 ? `${f.event} (+${f.events.length - 1} more events)` : f.event;
  const subject = f.field ? `${eventWord} field '${f.field}'` : eventWord;
  const oldSide = f.location?.side === 'old' ? ' (location: where it was defined on the old side)' : '';
  const r: Sarif.Result = {
    ruleId: f.rule,
    level: sarifLevel(f.severity),
    message: { text: ensurePeriod(`${subject}: ${f.message}${oldSide}`) },
  };
  const idx = ruleIndex.get(f.rule);
  if (idx !== undefined) r.ruleIndex = idx;
  const logical: Sarif.LogicalLocation = {
    name: f.field ?? f.event.slice(f.event.indexOf(':') + 1),
    fullyQualifiedName: f.field ? `${f.event}.${f.field}` : f.event,
    kind: f.field ? 'member' : 'object',
  };
  if (f.location) {
    r.locations = [
      {
        physicalLocation: {
          artifactLocation: { uri: encodeURI(f.location.file.replace(/^\.?\//, '')), uriBaseId: 'SRCROOT' },
          region: { startLine: Math.max(1, f.location.line) },
        },
        logicalLocations: [logical],
      },
    ];
  } else {
    r.locations = [{ logicalLocations: [logical] }];
  }
  r.partialFingerprints = { 'tpdriftFinding/v1': fingerprint(f) };
  const props: Record<string, unknown> = { event: f.event };
  if (f.field) props.field = f.field;
  if (f.events && f.events.length > 1) props.events = f.events;
  if (f.consumer) props.consumer = f.consumer;
  if (f.cause) props.cause = f.cause;
  if (f.consumers) props.consumers = f.consumers;
  if (f.location?.side === 'old') props.locationSide = 'old';
  r.properties = props;
  // A consumer break is at a line of the consumer's code: show it there too.
  if (f.consumer) {
    const uri = f.consumer.file.startsWith('/') ? encodeURI(`file://${f.consumer.file}`) : encodeURI(f.consumer.file);
    r.relatedLocations = [
      {
        id: 0,
        message: { text: `${f.consumer.tool} reads it here (${f.consumer.read})` },
        physicalLocation: { artifactLocation: { uri }, ...(f.consumer.line !== undefined ? { region: { startLine: Math.max(1, f.consumer.line) } } : {}) },
      },
    ];
  }
  if (f.suppressed) {
    const s: Sarif.Suppression = { kind: 'external', status: 'accepted' };
    s.justification = f.suppression?.reason ?? (f.suppression?.kind === 'baseline' ? 'in the baseline' : 'accepted');
    r.suppressions = [s];
  }
  if (hasBaseline) r.baselineState = f.suppression?.kind === 'baseline' ? 'unchanged' : 'new';
  return r;
}

export interface SarifOutcome {
  log: Sarif.Log;
  /** Set when GitHub's limits forced results out. */
  truncated?: { kept: number; total: number; reason: string };
}

export function buildSarif(report: ReportData, limits = { results: SARIF_MAX_RESULTS, bytes: SARIF_MAX_BYTES }): SarifOutcome {
  const rules = RULES.map(ruleDescriptor);
  const ruleIndex = new Map(RULES.map((r, i) => [r.meta.id, i]));
  const hasBaseline = report.baseline !== undefined;
  // Findings are sorted most severe first; unsuppressed before suppressed so a cut keeps what matters.
  const ordered = [...report.findings.filter((f) => !f.suppressed), ...report.findings.filter((f) => f.suppressed)];
  let results = ordered.map((f) => resultFor(f, ruleIndex, hasBaseline));
  const total = results.length;
  let reason: string | undefined;
  if (results.length > limits.results) {
    results = results.slice(0, limits.results);
    reason = `more than ${limits.results} results`;
  }
  const run: Sarif.Run = {
    tool: {
      driver: {
        name: 'tpdrift',
        version: report.tool.version,
        semanticVersion: report.tool.version,
        informationUri: INFORMATION_URI,
        rules,
      },
    },
    automationDetails: { id: 'tpdrift/' },
    originalUriBaseIds: {
      SRCROOT: { description: { text: 'The root of the kernel source tree (the new side of the comparison).' } },
    },
    columnKind: 'unicodeCodePoints',
    results,
  };
  const runProps: Record<string, unknown> = { new: report.new, summary: report.summary };
  if (report.old) runProps.old = report.old;
  if (report.baseline) runProps.baseline = report.baseline;
  if (report.suppressionsFile) runProps.suppressions = report.suppressionsFile;
  if (report.scope) runProps.scope = report.scope;
  run.properties = runProps;
  const log: Sarif.Log = { $schema: 'https://json.schemastore.org/sarif-2.1.0.json', version: '2.1.0', runs: [run] };

  const size = () => Buffer.byteLength(JSON.stringify(log, null, 2));
  if (size() > limits.bytes) {
    // Shrink by halving, then grow back in steps: a few serialisations, not one per result.
    let lo = 0;
    let hi = results.length;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      run.results = results.slice(0, mid);
      if (size() <= limits.bytes - 4096) lo = mid;
      else hi = mid;
    }
    results = results.slice(0, lo);
    run.results = results;
    reason = `the file would exceed ${Math.round(limits.bytes / 1024 / 1024)} MB`;
  }
  if (reason) {
    runProps.truncated = { kept: results.length, total, reason, note: 'most severe first; see --format json for every finding' };
    return { log, truncated: { kept: results.length, total, reason } };
  }
  return { log };
}

export const renderSarif: Reporter = (report, opts) => {
  const { log, truncated } = buildSarif(report);
  if (truncated) {
    opts.warn?.(
      `SARIF output cut to ${truncated.kept} of ${truncated.total} results (${truncated.reason}; GitHub rejects bigger runs); most severe first, see --format json for all`,
    );
  }
  return JSON.stringify(log, null, 2) + '\n';
};
