/**
 * schema/config.schema.json, generated: the fixed part (overrides, abiPolicy, consumers, shared definitions) and, per
 * rule, its severity and the options its meta declares. `node scripts/config-schema.mjs` writes the file
 * (after `npm run build`); test/rules/meta.test.ts fails when the committed file is not what this gives.
 */
import type { Rule, RuleOption } from '../engine/rule.js';

const SEVERITY_REF = { $ref: '#/definitions/severity' } as const;

function optionsSchema(options: Readonly<Record<string, RuleOption>> | undefined): object {
  const names = Object.keys(options ?? {});
  if (names.length === 0) return { type: 'object', maxProperties: 0, description: 'this rule takes no options' };
  return { type: 'object', additionalProperties: false, properties: Object.fromEntries(names.map((n) => [n, { ...options![n]! }])) };
}

function ruleSchema(rule: Rule): object {
  return {
    oneOf: [
      SEVERITY_REF,
      { type: 'object', additionalProperties: false, properties: { severity: SEVERITY_REF, options: optionsSchema(rule.meta.options) } },
    ],
  };
}

/** The config file's JSON Schema for `rules` (sorted by id, as the schema lists them). */
export function configSchema(rules: readonly Rule[]): object {
  const sorted = [...rules].sort((a, b) => (a.meta.id < b.meta.id ? -1 : a.meta.id > b.meta.id ? 1 : 0));
  const ids = sorted.map((r) => r.meta.id);
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'tpdrift configuration (tpdrift.config.json)',
    description: 'Rule severities and options, per-event overrides and the ABI policy. --rule flags override this file.',
    type: 'object',
    additionalProperties: false,
    properties: {
      $schema: { type: 'string' },
      rules: { $ref: '#/definitions/rules' },
      overrides: {
        type: 'array',
        description: 'later entries win; each applies to the events its patterns match',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['events', 'rules'],
          properties: {
            events: { type: 'array', minItems: 1, items: { $ref: '#/definitions/eventPattern' } },
            rules: { $ref: '#/definitions/overrideRules' },
          },
        },
      },
      abiPolicy: {
        type: 'object',
        additionalProperties: false,
        properties: {
          tracepointOnly: {
            $ref: '#/definitions/systems',
            description: 'systems (or system:event patterns) where a change may add only bare tracepoints (DECLARE_TRACE), no new trace events',
          },
        },
      },
      consumers: {
        type: 'array',
        description:
          'consumer programs or folders (bpftrace scripts, bcc tools, libbpf-tools binaries, .bpf.c sources, consumer manifests) that diff, check-patch and history check; relative to this file. --consumers overrides it.',
        items: { type: 'string', minLength: 1 },
      },
    },
    definitions: {
      severity: { enum: ['error', 'warning', 'info', 'off'] },
      eventPattern: { type: 'string', pattern: '^[^:\\s]+:[^:\\s]+$', description: 'system:event, * matches anything: sched:*, *:sched_switch' },
      systems: { type: 'array', items: { type: 'string', pattern: '^[^\\s]+$' } },
      rules: {
        type: 'object',
        propertyNames: { enum: ids },
        properties: Object.fromEntries(sorted.map((r) => [r.meta.id, ruleSchema(r)])),
      },
      overrideRules: {
        type: 'object',
        propertyNames: { enum: ids },
        additionalProperties: {
          oneOf: [SEVERITY_REF, { type: 'object', additionalProperties: false, required: ['severity'], properties: { severity: SEVERITY_REF } }],
        },
      },
    },
  };
}

/** The schema file's text: two-space JSON and a final newline. */
export function configSchemaText(rules: readonly Rule[]): string {
  return `${JSON.stringify(configSchema(rules), null, 2)}\n`;
}
