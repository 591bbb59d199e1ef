/** The report formats by name: a list the command line can offer without loading any reporter. */
export const FORMATS = ['text', 'json', 'sarif', 'markdown', 'github', 'html'] as const;
export type FormatName = (typeof FORMATS)[number];
