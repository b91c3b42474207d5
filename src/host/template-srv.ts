/**
 * Grafana's TemplateSrv, as far as the data source and panel depend on it: `replace(text, scopedVars, format)` over
 * `$var`, `${var}`, `${var:format}`, `${var.field}` and `[[var]]` / `[[var:format]]`; a scoped variable (a repeated
 * panel's `{host: {text, value}}`) wins over the dashboard's; a multi-value variable goes through the format — a
 * function gets the value itself (string or array), a named format formats it, and without one Grafana's default,
 * glob (`{a,b}`), applies; an unknown variable is left as it is. The viewer has no dashboard variables of its own; a
 * page or test can give some (`new HostTemplateSrv([{ name: 'host', value: ['a', 'b'] }])`).
 */
import { ScopedVars, TypedVariableModel } from '@grafana/data';
import { TemplateSrv } from '@grafana/runtime';

export interface HostVariable {
  name: string;
  value: string | string[];
  /** Shown text; the value's by default. */
  text?: string | string[];
}

type FormatFunction = (value: string | string[], variable?: unknown, fallback?: unknown) => string;
type Format = string | FormatFunction | undefined;

/** Grafana's variableRegex: $var | [[var:fmt]] | ${var.fieldPath:fmt}. */
const VARIABLE = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\${(\w+)(?:\.([^:^}]+))?(?::([^}]+))?}/g;

export class HostTemplateSrv implements TemplateSrv {
  constructor(private variables: HostVariable[] = []) {}

  /** Replaces the dashboard's variables (a page changing its own). */
  setVariables(variables: HostVariable[]): void {
    this.variables = variables;
  }

  getVariables(): TypedVariableModel[] {
    return this.variables.map(
      (v) =>
        ({
          name: v.name,
          type: 'custom',
          multi: Array.isArray(v.value),
          current: { text: v.text ?? v.value, value: v.value },
        }) as unknown as TypedVariableModel
    );
  }

  replace(target?: string, scopedVars?: ScopedVars, format?: Format): string {
    if (target === undefined || target === null) {
      return '';
    }
    return target.replace(VARIABLE, (match, var1, var2, fmt2, var3, fieldPath, fmt3) => {
      const name: string = var1 ?? var2 ?? var3;
      const fmt: Format = fmt2 ?? fmt3 ?? format;
      const scoped = scopedVars?.[name];
      if (scoped) {
        const value = fieldPath ? pathValue(scoped.value, fieldPath) : scoped.value;
        if (value !== undefined && value !== null) {
          return formatValue(value, fmt, name, scoped.text);
        }
      }
      const variable = this.variables.find((v) => v.name === name);
      if (!variable) {
        return match;
      }
      return formatValue(variable.value, fmt, name, variable.text ?? variable.value);
    });
  }

  containsTemplate(target?: string): boolean {
    if (!target) {
      return false;
    }
    return [...target.matchAll(VARIABLE)].some((m) => this.variables.some((v) => v.name === (m[1] ?? m[2] ?? m[4])));
  }

  updateTimeRange(): void {}
}

function formatValue(value: unknown, format: Format, name: string, text: unknown): string {
  const v: string | string[] = Array.isArray(value) ? value.map(String) : String(value);
  if (typeof format === 'function') {
    return format(v, { name });
  }
  const values = Array.isArray(v) ? v : [v];
  switch (format ?? 'glob') {
    case 'raw':
    case 'csv':
      return values.join(',');
    case 'pipe':
      return values.join('|');
    case 'json':
      return JSON.stringify(v);
    case 'singlequote':
      return values.map((x) => `'${x.replace(/'/g, "\\'")}'`).join(',');
    case 'doublequote':
      return values.map((x) => `"${x.replace(/"/g, '\\"')}"`).join(',');
    case 'percentencode':
      return encodeURIComponent(Array.isArray(v) ? `{${v.join(',')}}` : v);
    case 'queryparam':
      return values.map((x) => `var-${name}=${encodeURIComponent(x)}`).join('&');
    case 'text':
      return Array.isArray(text) ? text.join(' + ') : String(text ?? v);
    case 'regex':
      return values.length > 1 ? `(${values.map(escapeRegex).join('|')})` : escapeRegex(values[0] ?? '');
    default:
      // glob, and (as Grafana falls back) any format it does not know.
      return values.length > 1 ? `{${values.join(',')}}` : (values[0] ?? '');
  }
}

function pathValue(value: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, key) => (v as Record<string, unknown> | undefined)?.[key], value);
}

function escapeRegex(text: string): string {
  return text.replace(/[\\^$*+?.()|[\]{}/]/g, '\\$&');
}
