/**
 * Inputs that hold what is being typed locally and hand a value over ("commit") on blur or Enter, so a query is not
 * rewritten (and re-run) on every keystroke. Both follow their `value` prop when it changes from outside.
 */
import React, { ComponentProps, KeyboardEvent, useState } from 'react';
import { Input } from '@grafana/ui';

type InputProps = ComponentProps<typeof Input>;

/** Props the wrappers own; `invalid` is left out too, as InlineField clones its child with `invalid: undefined`. */
type OwnedProps = 'value' | 'onChange' | 'onBlur' | 'onKeyDown' | 'type' | 'invalid' | 'min' | 'max' | 'step';

function commitOnEnter(event: KeyboardEvent<HTMLInputElement>) {
  if (event.key === 'Enter') {
    event.currentTarget.blur();
  }
}

/** Keeps a local copy of `value`, reset whenever `value` itself changes (React's "adjust state on prop change"). */
function useLocalText(value: string): [string, (text: string) => void] {
  const [text, setText] = useState(value);
  const [previous, setPrevious] = useState(value);
  if (previous !== value) {
    setPrevious(value);
    setText(value);
  }
  return [text, setText];
}

export interface TextInputProps extends Omit<InputProps, OwnedProps> {
  value: string | undefined;
  /** Called on blur or Enter, only when the text differs from `value`. */
  onCommit: (value: string) => void;
}

export function TextInput({ value = '', onCommit, ...rest }: TextInputProps) {
  const [text, setText] = useLocalText(value);
  return (
    <Input
      {...rest}
      type="text"
      value={text}
      onChange={(e) => setText(e.currentTarget.value)}
      onBlur={() => {
        if (text !== value) {
          onCommit(text);
        }
      }}
      onKeyDown={commitOnEnter}
    />
  );
}

export interface NumberInputProps extends Omit<InputProps, OwnedProps> {
  value: number | undefined;
  /** Called with a valid value (or undefined when `allowEmpty` and cleared) that differs from `value`. */
  onCommit: (value: number | undefined) => void;
  min?: number;
  max?: number;
  /** Only whole numbers (default true). */
  integer?: boolean;
  /** An empty input means "unset" (undefined); otherwise empty is invalid. */
  allowEmpty?: boolean;
  /** Commit each valid keystroke instead of on blur (settings pages, whose Save button reads the last commit). */
  commitOnChange?: boolean;
}

/** Parses the input text: `{ ok: false }` when it is not an acceptable value. */
export function parseNumber(
  text: string,
  { min, max, integer = true, allowEmpty = false }: Pick<NumberInputProps, 'min' | 'max' | 'integer' | 'allowEmpty'>
): { ok: true; value: number | undefined } | { ok: false } {
  const trimmed = text.trim();
  if (trimmed === '') {
    return allowEmpty ? { ok: true, value: undefined } : { ok: false };
  }
  const value = Number(trimmed);
  const valid =
    Number.isFinite(value) &&
    (!integer || Number.isInteger(value)) &&
    (min === undefined || value >= min) &&
    (max === undefined || value <= max);
  return valid ? { ok: true, value } : { ok: false };
}

/** A number input that never commits an out-of-range value: an invalid entry is outlined, and reverted on blur. */
export function NumberInput({
  value,
  onCommit,
  min,
  max,
  integer = true,
  allowEmpty = false,
  commitOnChange = false,
  ...rest
}: NumberInputProps) {
  const formatted = value === undefined ? '' : String(value);
  const [text, setText] = useLocalText(formatted);
  const parsed = parseNumber(text, { min, max, integer, allowEmpty });
  const commit = (candidate: string) => {
    const result = parseNumber(candidate, { min, max, integer, allowEmpty });
    if (result.ok && result.value !== value) {
      onCommit(result.value);
    }
  };
  return (
    <Input
      {...rest}
      type="number"
      min={min}
      max={max}
      step={integer ? 1 : 'any'}
      value={text}
      invalid={!parsed.ok}
      aria-invalid={!parsed.ok}
      onChange={(e) => {
        setText(e.currentTarget.value);
        if (commitOnChange) {
          commit(e.currentTarget.value);
        }
      }}
      onBlur={() => {
        if (parsed.ok) {
          commit(text);
        } else {
          setText(formatted);
        }
      }}
      onKeyDown={commitOnEnter}
    />
  );
}
