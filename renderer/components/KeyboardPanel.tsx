import { useEffect, useRef, useState } from 'react';
import Keyboard from 'react-simple-keyboard';
import 'react-simple-keyboard/build/css/index.css';
import { useTranslation } from 'react-i18next';
import { useKeyboard } from '../stores/keyboard';

/** The instance react-simple-keyboard hands back; only setInput is used. */
interface KeyboardInstance {
  setInput(input: string): void;
}

const layout = {
  default: [
    '1 2 3 4 5 6 7 8 9 0 {bksp}',
    'q w e r t y u i o p',
    'a s d f g h j k l ñ',
    '{shift} z x c v b n m , . ?',
    "á é í ó ú @ - ' {enter}",
    '{space}',
  ],
  shift: [
    '! " # $ % & / ( ) = {bksp}',
    'Q W E R T Y U I O P',
    'A S D F G H J K L Ñ',
    '{shift} Z X C V B N M ; : ¿',
    'Á É Í Ó Ú ¡ _ + {enter}',
    '{space}',
  ],
};

/**
 * The on-screen keyboard, docked at the bottom while a text field has focus. Loaded lazily:
 * the login screen needs only the PIN pad.
 */
export default function KeyboardPanel() {
  const { t } = useTranslation();
  const target = useKeyboard((state) => state.target);
  const detach = useKeyboard((state) => state.detach);
  const keyboard = useRef<KeyboardInstance | null>(null);
  const [layoutName, setLayoutName] = useState<'default' | 'shift'>('default');

  useEffect(() => {
    keyboard.current?.setInput(target?.value ?? '');
  }, [target?.id, target?.value]);

  if (!target) return null;

  return (
    <section className="keyboard" aria-label={t('keyboard.label')}>
      <div className="keyboard-bar">
        <button type="button" className="button secondary" onClick={() => detach()}>
          {t('keyboard.done')}
        </button>
      </div>
      <Keyboard
        keyboardRef={(instance: KeyboardInstance) => {
          keyboard.current = instance;
          instance.setInput(target.value);
        }}
        layout={layout}
        layoutName={layoutName}
        display={{ '{bksp}': '⌫', '{enter}': '⏎', '{shift}': '⇧', '{space}': ' ' }}
        newLineOnEnter={target.multiline}
        inputName={target.id}
        preventMouseDownDefault
        onChange={(input: string) => target.onChange(input)}
        onKeyPress={(button: string) => {
          if (button === '{shift}') setLayoutName(layoutName === 'shift' ? 'default' : 'shift');
          if (button === '{enter}' && !target.multiline) detach();
        }}
      />
    </section>
  );
}
