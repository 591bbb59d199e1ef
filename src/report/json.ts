import type { Reporter } from './model.js';

export const renderJson: Reporter = (report) => JSON.stringify(report, null, 2) + '\n';
