import { useEffect, useRef, useState } from 'react';
import Keyboard from 'react-simple-keyboard';
import 'react-simple-keyboard/build/css/index.css';
import { useTranslation } from 'react-i18next';
import { useKeyboard, type KeyboardTarget } from '../stores/keyboard';
import { LAYOUTS } from './keyboard-layouts';

/** The instance react-simple-keyboard hands back; only setInput is used. */
interface KeyboardInstance {
  setInput(input: string): void;
}

/**
 * Enter on a one-line field submits its form, as a physical keyboard would; a field outside a
 * form (or a form whose submit is disabled) just puts the keyboard away.
 */
function submitField(target: KeyboardTarget, detach: () => void) {
  const field = document.getElementById(target.id);
  const form = field instanceof HTMLInputElement ? field.form : null;
  const submitter = form?.querySelector<HTMLButtonElement>('button[type="submit"]');
  detach();
  if (form && submitter && !submitter.disabled) form.requestSubmit(submitter);
}

/** Keeps the focused field in view now that the keyboard has taken the bottom of the screen. */
function useFieldInView(id: string | undefined) {
  useEffect(() => {
    if (!id) return;
    const frame = requestAnimationFrame(() =>
      document.getElementById(id)?.scrollIntoView({ block: 'nearest' }),
    );
    return () => cancelAnimationFrame(frame);
  }, [id]);
}

/**
 * The on-screen keyboard, docked under the content while a text field has focus (the content
 * shrinks, so the field stays visible above the keys). The field's label and value are echoed
 * right above the keys as well. Loaded lazily: the login screen needs only the PIN pad.
 */
export default function KeyboardPanel() {
  const { t } = useTranslation();
  const target = useKeyboard((state) => state.target);
  const detach = useKeyboard((state) => state.detach);
  const keyboard = useRef<KeyboardInstance | null>(null);
  const [shifted, setShifted] = useState(false);
  useFieldInView(target?.id);

  useEffect(() => {
    keyboard.current?.setInput(target?.value ?? '');
  }, [target?.id, target?.value]);

  if (!target) return null;
  const layout = LAYOUTS[target.mode];

  return (
    <section className="keyboard" aria-label={t('keyboard.label')}>
      <div className="keyboard-bar">
        <div className="keyboard-echo" aria-hidden="true">
          <span className="echo-label">{target.label}</span>
          <span className="echo-value" dir="auto">
            {target.value}
          </span>
        </div>
        <button type="button" className="button secondary" onClick={() => detach()}>
          {t('keyboard.done')}
        </button>
      </div>
      <Keyboard
        keyboardRef={(instance: KeyboardInstance) => {
          keyboard.current = instance;
          instance.setInput(target.value);
        }}
        theme={`hg-theme-default ${target.mode}`}
        layout={layout}
        layoutName={shifted && layout.shift ? 'shift' : 'default'}
        display={{
          '{bksp}': t('keyboard.backspace'),
          '{enter}': target.multiline ? t('keyboard.newLine') : t('keyboard.enter'),
          '{shift}': t('keyboard.shift'),
          '{space}': t('keyboard.space'),
        }}
        buttonTheme={[
          { class: 'enter-key', buttons: '{enter}' },
          ...(shifted ? [{ class: 'shift-on', buttons: '{shift}' }] : []),
        ]}
        newLineOnEnter={target.multiline}
        inputName={target.id}
        preventMouseDownDefault
        onChange={(input: string) => target.onChange(input)}
        onKeyPress={(button: string) => {
          if (button === '{shift}') return setShifted(!shifted);
          // One-shot shift: one capital, then back to small letters.
          setShifted(false);
          if (button === '{enter}' && !target.multiline) submitField(target, detach);
        }}
      />
    </section>
  );
}
