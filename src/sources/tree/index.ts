/** A kernel source tree as a source (`kernel.kind: 'tree'`). */
export { loadTree, type LoadTreeOptions } from './tree.js';
export { snapshotsAroundPatch } from './patched.js';
