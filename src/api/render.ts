/** Rendering an outcome in one of the report formats: what the command line writes, as a string. */
import { UsageError } from '../errors.js';
import { type FormatName, reporterFor } from '../report/index.js';
import type { ReportData } from '../report/model.js';
import type { Outcome } from './run.js';

export interface RenderSettings {
  format: FormatName;
  color?: boolean;
  /** Where a reporter says something about its output (e.g. SARIF cut to GitHub's limits). */
  warn?: (message: string) => void;
  /** Working directory and home: markdown shows labels relative to them, never a local absolute path. */
  cwd?: string;
  home?: string;
  /** The summary view alone (text, markdown). */
  summaryOnly?: boolean;
}

/**
 * Renders a report. The HTML report draws old and new record layouts: it takes them from the outcome's
 * sources, so pass the Outcome (or a report that already has `layouts`).
 */
export async function render(input: Outcome | ReportData, settings: RenderSettings): Promise<string> {
  const reporter = await reporterFor(settings.format);
  if (!reporter) throw new UsageError(`--format ${settings.format} is not available`);
  let data = 'report' in input ? input.report : input;
  if (settings.format === 'html' && !data.layouts && 'report' in input) {
    const { buildLayouts } = await import('../report/layouts.js');
    const layouts = buildLayouts(data, input.old?.snapshot, input.new.snapshot);
    if (layouts) data = { ...data, layouts };
  }
  return reporter(data, {
    color: settings.color ?? false,
    ...(settings.warn ? { warn: settings.warn } : {}),
    ...(settings.cwd ? { cwd: settings.cwd } : {}),
    ...(settings.home ? { home: settings.home } : {}),
    ...(settings.summaryOnly ? { summaryOnly: true } : {}),
  });
}
