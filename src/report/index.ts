/** Output formats by name. Each reporter is a pure function of the report. */
import type { Reporter } from './model.js';
import { renderJson } from './json.js';
import { renderText } from './text.js';
import { renderSarif } from './sarif.js';
import { renderMarkdown } from './markdown.js';
import { renderGithub } from './github.js';
import { renderHtml } from './html.js';

export const FORMATS = ['text', 'json', 'sarif', 'markdown', 'github', 'html'] as const;
export type FormatName = (typeof FORMATS)[number];

const reporters: Partial<Record<FormatName, Reporter>> = {
  text: renderText,
  json: renderJson,
  sarif: renderSarif,
  markdown: renderMarkdown,
  github: renderGithub,
  html: renderHtml,
};

export function reporterFor(format: FormatName): Reporter | undefined {
  return reporters[format];
}
