import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { Refusal } from '../testing/fake-bridge';
import { kioskInfo, residentSession } from '../testing/fixtures';
import { renderApp } from '../testing/render';

afterEach(cleanup);

/** The fake backend's lockout: 5 wrong PINs in a row lock the account. */
function lockingLogin() {
  let wrong = 0;
  return (input: { method: 'doc' | 'badge'; pin: string }) => {
    if (wrong >= 5) throw new Refusal({ code: 'locked', message: 'locked' });
    if (input.pin === '1234') return residentSession;
    wrong += 1;
    if (wrong >= 5) throw new Refusal({ code: 'locked', message: 'locked' });
    throw new Refusal({
      code: 'invalid_credentials',
      message: 'wrong',
      details: { attemptsRemaining: 5 - wrong },
    });
  };
}

function typePin(pin: string) {
  const pad = screen.getByRole('group', { name: 'PIN keypad' });
  fireEvent.click(within(pad).getByRole('button', { name: 'Clear' }));
  for (const digit of pin) {
    fireEvent.click(within(pad).getByRole('button', { name: `Digit ${digit}` }));
  }
}

async function fillDoc() {
  fireEvent.change(await screen.findByLabelText('State'), { target: { value: 'fl' } });
  fireEvent.change(screen.getByLabelText('DOC number'), { target: { value: 's100001' } });
}

describe('login screen', () => {
  it('logs in with state, DOC number and PIN, upper-casing what was typed', async () => {
    const { bridge } = renderApp({ 'auth.login': lockingLogin() });
    await fillDoc();
    typePin('1234');
    fireEvent.click(screen.getByRole('button', { name: 'Log in' }));
    expect(await screen.findByRole('heading', { name: 'Hello, Ana' })).toBeDefined();
    expect(bridge.calls.find((call) => call.method === 'auth.login')?.input).toEqual({
      method: 'doc',
      state: 'FL',
      docNumber: 'S100001',
      pin: '1234',
    });
  });

  it('counts down the tries left and locks after 5 wrong PINs, saying what to do next', async () => {
    renderApp({ 'auth.login': lockingLogin() });
    await fillDoc();
    for (let attempt = 1; attempt <= 4; attempt++) {
      const left = 5 - attempt;
      typePin('9999');
      fireEvent.click(screen.getByRole('button', { name: 'Log in' }));
      expect(
        await screen.findByText(
          `That PIN is not right. ${left} ${left === 1 ? 'try' : 'tries'} left before the account locks.`,
        ),
      ).toBeDefined();
    }
    typePin('9999');
    fireEvent.click(screen.getByRole('button', { name: 'Log in' }));
    expect(await screen.findByText('This account is locked after 5 wrong PINs.')).toBeDefined();
    expect(screen.getByText(/Ask a staff member to unlock your account/)).toBeDefined();
    // The right PIN no longer helps: the account stays locked.
    typePin('1234');
    fireEvent.click(screen.getByRole('button', { name: 'Log in' }));
    expect(await screen.findByText('This account is locked after 5 wrong PINs.')).toBeDefined();
  }, 30_000); // six logins typed key by key: the limit scales with the work

  it('keeps the log-in button off until the state, DOC number and PIN are well formed', async () => {
    renderApp({ 'auth.login': lockingLogin() });
    fireEvent.change(await screen.findByLabelText('State'), { target: { value: 'F' } });
    fireEvent.change(screen.getByLabelText('DOC number'), { target: { value: 'S1' } });
    typePin('12');
    expect(screen.getByRole('button', { name: 'Log in' }).hasAttribute('disabled')).toBe(true);
    typePin('1234');
    expect(screen.getByRole('button', { name: 'Log in' }).hasAttribute('disabled')).toBe(true);
    fireEvent.change(screen.getByLabelText('State'), { target: { value: 'FL' } });
    expect(screen.getByRole('button', { name: 'Log in' }).hasAttribute('disabled')).toBe(false);
  });

  it('asks only for the PIN after a badge scan and logs in with the badge', async () => {
    const { bridge } = renderApp({ 'auth.login': lockingLogin() });
    await screen.findByLabelText('State');
    act(() => bridge.emit('hardware.badge', { badgeToken: 'BADGE-0001' }));
    expect(await screen.findByText('Badge scanned. Now enter your PIN.')).toBeDefined();
    expect(screen.queryByLabelText('State')).toBeNull();
    typePin('1234');
    fireEvent.click(screen.getByRole('button', { name: 'Log in' }));
    expect(await screen.findByRole('heading', { name: 'Hello, Ana' })).toBeDefined();
    expect(bridge.calls.find((call) => call.method === 'auth.login')?.input).toEqual({
      method: 'badge',
      badgeToken: 'BADGE-0001',
      pin: '1234',
    });
  });

  it('shows the login in Spanish and switches language with the always-visible switch', async () => {
    renderApp({ 'auth.login': lockingLogin() }, 'es');
    expect(await screen.findByRole('heading', { name: 'Bienvenido' })).toBeDefined();
    fireEvent.click(screen.getByRole('button', { name: 'English' }));
    expect(await screen.findByRole('heading', { name: 'Welcome' })).toBeDefined();
    expect(document.documentElement.lang).toBe('en');
  });
});

describe('facility language', () => {
  it('starts in the facility language and returns to it after the person logs out', async () => {
    renderApp({
      'device.info': () => ({ ...kioskInfo, defaultLocale: 'es' }),
      'auth.login': lockingLogin(),
      'auth.logout': () => ({}),
    });
    expect(await screen.findByRole('heading', { name: 'Bienvenido' })).toBeDefined();
    // this person prefers English
    fireEvent.click(screen.getByRole('button', { name: 'English' }));
    await fillDoc();
    typePin('1234');
    fireEvent.click(screen.getByRole('button', { name: 'Log in' }));
    await screen.findByRole('heading', { name: 'Hello, Ana' }, { timeout: 10_000 });
    fireEvent.click(screen.getByRole('button', { name: 'Log out' }));
    // the next person finds the facility's language again
    expect(await screen.findByRole('heading', { name: 'Bienvenido' })).toBeDefined();
    expect(document.documentElement.lang).toBe('es');
  });
});
