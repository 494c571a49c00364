/** Which keys a field gets on the on-screen keyboard. */
export type KeyboardMode = 'text' | 'amount' | 'code' | 'state';

/** US state, district and territory postal codes, for the two-letter state picker. */
const STATE_CODES = [
  'AL', 'AK', 'AZ', 'AR', 'CA', 'CO', 'CT', 'DE', 'DC', 'FL',
  'GA', 'HI', 'ID', 'IL', 'IN', 'IA', 'KS', 'KY', 'LA', 'ME',
  'MD', 'MA', 'MI', 'MN', 'MS', 'MO', 'MT', 'NE', 'NV', 'NH',
  'NJ', 'NM', 'NY', 'NC', 'ND', 'OH', 'OK', 'OR', 'PA', 'RI',
  'SC', 'SD', 'TN', 'TX', 'UT', 'VT', 'VA', 'WA', 'WV', 'WI',
  'WY', 'PR', 'GU', 'VI', 'AS', 'MP',
] as const; // prettier-ignore

const rowsOf = (codes: readonly string[], size: number) =>
  Array.from({ length: Math.ceil(codes.length / size) }, (_, row) =>
    codes.slice(row * size, row * size + size).join(' '),
  );

/**
 * Layouts in react-simple-keyboard's notation. Text has Spanish letters and the opening ¿ ¡;
 * `shift` is one-shot (the panel returns to `default` after one key). Amounts and codes get a
 * number pad; state codes a grid of the codes themselves.
 */
export const LAYOUTS: Record<KeyboardMode, Record<string, string[]>> = {
  text: {
    default: [
      '1 2 3 4 5 6 7 8 9 0 {bksp}',
      'q w e r t y u i o p',
      'a s d f g h j k l ñ',
      '{shift} z x c v b n m , . ?',
      "á é í ó ú ü ¿ ¡ @ ' {enter}",
      '{space}',
    ],
    shift: [
      '! " # $ % & / ( ) = {bksp}',
      'Q W E R T Y U I O P',
      'A S D F G H J K L Ñ',
      '{shift} Z X C V B N M ; : ?',
      'Á É Í Ó Ú Ü - _ + * {enter}',
      '{space}',
    ],
  },
  amount: { default: ['1 2 3', '4 5 6', '7 8 9', '. 0 {bksp}', '{enter}'] },
  code: {
    default: [
      '1 2 3 4 5 6 7 8 9 0 {bksp}',
      'Q W E R T Y U I O P',
      'A S D F G H J K L',
      'Z X C V B N M {enter}',
    ],
  },
  state: { default: [...rowsOf(STATE_CODES, 10), '{bksp} {enter}'] },
};
