/** Every rule tpdrift knows, in the order `tpdrift rules` lists them. One module per rule, doc page beside it. */
import type { Rule } from '../src/engine/rule.js';
import eventRemoved from './event-removed.js';
import eventRenamed from './event-renamed.js';
import eventMovedSystem from './event-moved-system.js';
import eventDemoted from './event-demoted.js';
import eventAdded from './event-added.js';
import fieldRemoved from './field-removed.js';
import fieldRenamed from './field-renamed.js';
import fieldAdded from './field-added.js';
import fieldTypeChanged from './field-type-changed.js';
import fieldSizeChanged from './field-size-changed.js';
import fieldSignednessChanged from './field-signedness-changed.js';
import fieldBecameDynamic from './field-became-dynamic.js';
import fieldOffsetChanged from './field-offset-changed.js';
import printFormatChanged from './print-format-changed.js';
import printSymbolsChanged from './print-symbols-changed.js';
import protoChanged from './proto-changed.js';
import commonFieldsChanged from './common-fields-changed.js';
import conditionChanged from './condition-changed.js';
import hardcodedField from './hardcoded-field.js';
import unassignedField from './unassigned-field.js';
import printUnknownField from './print-unknown-field.js';
import unprintedField from './unprinted-field.js';
import unusedTracepoint from './unused-tracepoint.js';
import pointerField from './pointer-field.js';
import printDeref from './print-deref.js';
import layoutHoles from './layout-holes.js';
import largeArray from './large-array.js';
import duplicateEventBody from './duplicate-event-body.js';
import abiPolicy from './abi-policy.js';
import consumerBreak from './consumer-break.js';

export const RULES: readonly Rule[] = [
  eventRemoved,
  eventRenamed,
  eventMovedSystem,
  eventDemoted,
  eventAdded,
  fieldRemoved,
  fieldRenamed,
  fieldAdded,
  fieldTypeChanged,
  fieldSizeChanged,
  fieldSignednessChanged,
  fieldBecameDynamic,
  fieldOffsetChanged,
  printFormatChanged,
  printSymbolsChanged,
  protoChanged,
  commonFieldsChanged,
  conditionChanged,
  hardcodedField,
  unassignedField,
  printUnknownField,
  unprintedField,
  unusedTracepoint,
  pointerField,
  printDeref,
  layoutHoles,
  largeArray,
  duplicateEventBody,
  abiPolicy,
  consumerBreak,
];

export function findRule(id: string): Rule | undefined {
  return RULES.find((r) => r.meta.id === id);
}
