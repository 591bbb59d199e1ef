/**
 * tpdrift as a library: what the command line does, a program can import. The flows (`diff`, `lint`,
 * `checkPatch`, `history`) return data in DESIGN.md's shapes; `render` turns a report into any of the
 * formats; the pieces below them (sources, comparison, rules, engine, reporters) are exported for programs
 * that compose their own. Everything not exported here is internal and may change.
 *
 *   import { diff, render } from 'tpdrift';
 *   const outcome = await diff('old.json.gz', 'linux-6.12/');
 *   console.log(outcome.report.summary, await render(outcome, { format: 'markdown' }));
 */
export { type ConsumerOptions, type Outcome, type PatchInput, type PatchOutcome, type SideInput, type LoadingOptions, type RuleOptions, checkPatch, consumersAgainst, diff, history, lint, load } from './api/run.js';
export { type RenderSettings, render } from './api/render.js';

// Sources
export { ARGUMENT_KINDS, SOURCE_READERS, type LoadedSource, type LoadSourceOptions, detectKind, loadSource } from './sources/registry.js';
export type { LoadOptions, LoadPhase, Probe, SourceReader } from './sources/source.js';
export { encodeSnapshot, readSnapshot, validateSnapshot } from './sources/snapshot-file.js';

// Model
export * from './model/snapshot.js';
export { type Facets, FACETS, facetsOf, sharedFacets, sideFacets } from './model/facets.js';
export { type SideInfo, describeSource } from './model/side.js';
export { makeSnapshot, serializeSnapshot } from './model/canonical.js';
export { architectureWarning, canonicalArch, wordSize } from './model/arch.js';
export { TREE_ARCHES, type TreeArch } from './sources/tree/arch.js';
export { type Fingerprint, type FingerprintFacet, FINGERPRINT_FACETS, fingerprintOf } from './model/fingerprint.js';
export { type EventIndex, type IndexedEvent, eventCount, indexOf } from './model/event-index.js';

// Comparison, rules, engine
export { type Comparison, type EventPair, type FieldMatching, type FieldPair, compareSnapshots as compare, compareSnapshots } from './diff/compare.js';
export { RULES, findRule } from '../rules/index.js';
export type { AuditContext, AuditLookup, AuditRule, ConsumerContext, ConsumerRule, DriftRule, Emit, Report, Rule, RuleCategory, RuleMeta } from './engine/rule.js';
export { introducedAuditFindings, runAudit, runConsumers, runDiff, type RunOptions } from './engine/run.js';
export { type Finding, type Severity, type SeverityOrOff, type Summary, SEVERITIES, compareFindings, summarize } from './engine/finding.js';
export { type EngineConfig, EMPTY_CONFIG } from './engine/config.js';
export { readConfigFile } from './config/load.js';

// Consumers
export type { AttachKind, ConsumerFamily, ConsumerInventory, ConsumerProblem, ConsumerTool, ReadMode, Use } from './consumers/model.js';
export type { ConsumerFile, ConsumerReader, ConsumerReading } from './consumers/reader.js';
export { CONSUMER_READERS, consumerReaderFor } from './consumers/registry.js';
export { readConsumers } from './consumers/read.js';
export { type Verdict, checkUseAcross, checkUseOn, resolveUse } from './consumers/check.js';
export { type InventoryCounts, inventoryCounts, renderInventory } from './consumers/inventory-report.js';

// Reports
export {
  type FingerprintEntry,
  type FingerprintList,
  type FingerprintMismatch,
  FINGERPRINTS_SCHEMA,
  checkFingerprints,
  fingerprintsJson,
  fingerprintsText,
  listFingerprints,
  readFingerprints,
} from './report/fingerprints.js';
export { FORMATS, type FormatName, reporterFor } from './report/index.js';
export { type ReportData, type ReportFinding, type Reporter, type RenderOptions, makeReport } from './report/model.js';
export { type ScopeInfo, type ScopeOptions, applyDisplayThreshold, checkScopeAgainst, scopeReport } from './report/scope.js';
export { type SummaryView, type SystemRow, summaryView } from './report/summary.js';
export { type HistoryData, type HistoryRow, type HistoryCell, buildHistory } from './history/build.js';
export { renderHistoryHtml, renderHistoryJson, renderHistoryText } from './report/history.js';

// The BTF and ELF readers under the btf source (pure: bytes in, types out).
export { Btf, type BtfKind, type BtfMember, type BtfMemberInfo, type BtfType, type BtfTypeOf, BTF_KINDS, isRawBtf, parseBtf } from './btf/btf.js';
export { type ElfFile, type ElfSection, type ElfSymbol, isElf, parseElf } from './btf/elf.js';
export { mergeBtf } from './sources/btf/merge.js';

export { InputError, UsageError } from './errors.js';
export { TOOL_VERSION } from './version.js';
