import { useEffect, useId, type ChangeEvent } from 'react';
import { useKeyboard } from '../stores/keyboard';
import type { KeyboardMode } from './keyboard-layouts';

interface TextFieldProps {
  label: string;
  value: string;
  onChange(value: string): void;
  multiline?: boolean;
  /** Visible lines of a multiline field. */
  rows?: number;
  hint?: string;
  maxLength?: number;
  autoComplete?: string;
  required?: boolean;
  /** Upper-cases what is typed (state codes, DOC numbers). */
  upperCase?: boolean;
  /** Which on-screen keys the field gets: letters, a number pad, codes or the state picker. */
  keyboard?: KeyboardMode;
  name?: string;
}

/**
 * A labelled text field that the on-screen keyboard types into. The system keyboard is
 * suppressed (inputMode none): on a kiosk the on-screen one is the only keyboard.
 */
export function TextField(props: TextFieldProps) {
  const { label, value, onChange, multiline = false, hint, upperCase = false } = props;
  const mode = props.keyboard ?? 'text';
  const id = useId();
  const hintId = `${id}-hint`;
  const attach = useKeyboard((state) => state.attach);
  const sync = useKeyboard((state) => state.sync);
  const detach = useKeyboard((state) => state.detach);
  // The on-screen keyboard sets the value directly, so the length limit is applied here too.
  const change = (next: string) => {
    const limited = props.maxLength === undefined ? next : next.slice(0, props.maxLength);
    onChange(upperCase ? limited.toUpperCase() : limited);
  };
  const target = { id, label, value, multiline, mode, onChange: change };

  useEffect(() => {
    sync(target);
  });
  useEffect(() => () => detach(id), [detach, id]);

  const common = {
    id,
    name: props.name,
    value,
    maxLength: props.maxLength,
    required: props.required,
    autoComplete: props.autoComplete ?? 'off',
    'aria-describedby': hint ? hintId : undefined,
    // The keyboard stays up when focus moves on (closing it on blur would move the layout
    // under the finger that is tapping a button); Done, Enter, a submit or leaving the screen
    // put it away.
    onFocus: () => attach(target),
    onChange: (event: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) =>
      change(event.target.value),
    inputMode: 'none' as const,
  };

  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {multiline ? (
        <textarea {...common} rows={props.rows ?? 6} />
      ) : (
        <input {...common} type="text" data-keyboard={mode} />
      )}
      {hint && (
        <p id={hintId} className="hint">
          {hint}
        </p>
      )}
    </div>
  );
}
