import type { Reporter } from './model.js';

/** The JSON contract of DESIGN.md; `layouts` (drawn by the HTML report) is not part of it. */
export const renderJson: Reporter = (report) => {
  const { layouts: _layouts, ...rest } = report;
  return JSON.stringify(rest, null, 2) + '\n';
};
