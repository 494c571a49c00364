import { useId, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';

interface PinPadProps {
  value: string;
  onChange(value: string): void;
  maxLength?: number;
  label?: string;
}

const DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** A large numeric keypad for PINs; the digits never show, only dots. */
export function PinPad({ value, onChange, maxLength = 8, label }: PinPadProps) {
  const { t } = useTranslation();
  const id = useId();
  const press = (digit: string) => {
    if (value.length < maxLength) onChange(value + digit);
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (/^\d$/.test(event.key)) press(event.key);
    else if (event.key === 'Backspace') onChange(value.slice(0, -1));
    else return;
    event.preventDefault();
  };
  const digitButton = (digit: string) => (
    <button
      key={digit}
      type="button"
      className="pin-key"
      aria-label={t('login.digit', { digit })}
      onClick={() => press(digit)}
    >
      {digit}
    </button>
  );
  return (
    <div className="pin">
      <label htmlFor={id}>{label ?? t('login.pin')}</label>
      <input
        id={id}
        className="pin-display"
        type="password"
        value={value}
        readOnly
        inputMode="none"
        autoComplete="off"
        onKeyDown={onKeyDown}
      />
      <div className="pin-pad" role="group" aria-label={t('login.keypad')}>
        {DIGITS.map(digitButton)}
        <button type="button" className="pin-key secondary" onClick={() => onChange('')}>
          {t('login.clear')}
        </button>
        {digitButton('0')}
        <button
          type="button"
          className="pin-key secondary"
          aria-label={t('login.deleteDigit')}
          onClick={() => onChange(value.slice(0, -1))}
        >
          ⌫
        </button>
      </div>
    </div>
  );
}
