/**
 * Output formats by name. Each reporter is a pure function of the report, and is loaded when asked for:
 * a run renders one format, and the HTML and SARIF reporters are among the larger modules.
 */
import type { Reporter } from './model.js';
import type { FormatName } from './formats.js';

export { FORMATS, type FormatName } from './formats.js';

const loaders: Record<FormatName, () => Promise<Reporter>> = {
  text: async () => (await import('./text.js')).renderText,
  json: async () => (await import('./json.js')).renderJson,
  sarif: async () => (await import('./sarif.js')).renderSarif,
  markdown: async () => (await import('./markdown.js')).renderMarkdown,
  github: async () => (await import('./github.js')).renderGithub,
  html: async () => (await import('./html.js')).renderHtml,
};

export async function reporterFor(format: FormatName): Promise<Reporter | undefined> {
  return Object.hasOwn(loaders, format) ? loaders[format]() : undefined;
}
