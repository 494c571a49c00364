import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { residentSession, summary } from '../testing/fixtures';
import { connect, renderApp } from '../testing/render';
import { useMail } from './mail';
import { TOUCH_INTERVAL_MS, useSession } from './session';

afterEach(cleanup);

// jsdom has <dialog> but not its methods; Chromium's real ones run in the Playwright suite.
HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
  this.setAttribute('open', '');
};
HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
  this.removeAttribute('open');
};

describe('session store', () => {
  it('touches the backend on activity at most once per interval', async () => {
    const { bridge } = connect({ 'auth.touch': () => ({ session: residentSession }) });
    useSession.setState({ session: residentSession, lastTouchAt: 0 });
    const start = 1_000_000;
    for (let ms = 0; ms < TOUCH_INTERVAL_MS * 3; ms += 1_000)
      useSession.getState().activity(start + ms);
    await vi.waitFor(() =>
      expect(bridge.calls.filter((c) => c.method === 'auth.touch')).toHaveLength(3),
    );
  });

  it('never touches for a session without idle logout (tablets)', () => {
    const { bridge } = connect({ 'auth.touch': () => ({ session: null }) });
    useSession.setState({ session: { ...residentSession, expiresAt: null } });
    useSession.getState().activity(Date.now());
    expect(bridge.calls).toEqual([]);
  });
});

describe('idle logout', () => {
  const loggedIn = {
    'auth.session': () => ({ session: residentSession }),
    'auth.touch': () => ({ session: residentSession }),
    'stamps.balance': () => ({
      confirmed: 5,
      reserved: 0,
      available: 5,
      arriving: 0,
      prepaidReply: [],
      confirmedAt: null,
    }),
    'stamps.offers': () => ({ bundles: [], promotions: [] }),
    'mail.list': () => ({ messages: [summary()], nextCursor: null, unreadCount: 1 }),
  } as const;

  it('warns before the idle logout and stays logged in on request', async () => {
    const { bridge } = renderApp(loggedIn);
    // the home screen is a lazy chunk: on a busy machine it may take more than the default second
    await screen.findByRole('heading', { name: 'Hello, Ana' }, { timeout: 10_000 });
    act(() => bridge.emit('session.expiring', { secondsLeft: 30 }));
    expect(await screen.findByText('You will be logged out in 30 seconds.')).toBeDefined();
    fireEvent.click(screen.getByRole('button', { name: 'Stay logged in' }));
    await vi.waitFor(() => expect(useSession.getState().expiringSeconds).toBeNull());
    expect(bridge.calls.some((c) => c.method === 'auth.touch')).toBe(true);
  });

  it('forgets the person when the session ends and says why on the login screen', async () => {
    const { bridge } = renderApp(loggedIn);
    // the home screen is a lazy chunk: on a busy machine it may take more than the default second
    await screen.findByRole('heading', { name: 'Hello, Ana' }, { timeout: 10_000 });
    await vi.waitFor(() => expect(useMail.getState().messages).toHaveLength(1));
    act(() => bridge.emit('session.ended', { reason: 'idle' }));
    expect(
      await screen.findByText('You were logged out because the screen was not used.'),
    ).toBeDefined();
    expect(useMail.getState().messages).toEqual([]);
    expect(screen.queryByRole('navigation')).toBeNull();
  });
});
