/** Kept equal to package.json's version by a test (reading package.json at run time would tie dist/ to its place). */
export const TOOL_VERSION = '0.1.0';
