import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createApi, type HomelineBridge } from './api';
import { ContractCallError, fail, ok } from './errors';
import { events, isEventName } from './events';
import { isMethodName, KEYED_METHODS, methods, METHOD_NAMES, type MethodName } from './methods';
import { InvokeFrameSchema, ServerFrameSchema } from './wire';

describe('method table', () => {
  it('names every method area.verb and gives each an access level and schemas', () => {
    for (const name of METHOD_NAMES) {
      expect(name).toMatch(/^[a-z]+\.[a-zA-Z]+$/);
      const spec = methods[name];
      expect(spec.access).toBeTruthy();
      expect(typeof spec.input.safeParse).toBe('function');
      expect(typeof spec.output.safeParse).toBe('function');
    }
  });

  it('does not treat prototype keys as methods', () => {
    expect(isMethodName('toString')).toBe(false);
    expect(isMethodName('__proto__')).toBe(false);
    expect(isEventName('constructor')).toBe(false);
    expect(isMethodName('mail.list')).toBe(true);
  });
});

describe('input schemas refuse bad input', () => {
  it('accepts a DOC-number login and a badge login', () => {
    const login = methods['auth.login'].input;
    expect(
      login.safeParse({ method: 'doc', state: 'FL', docNumber: 'S123456', pin: '1234' }).success,
    ).toBe(true);
    expect(
      login.safeParse({ method: 'badge', badgeToken: 'BADGE-0001', pin: '1234' }).success,
    ).toBe(true);
  });

  it('refuses wrong types, unknown fields, bad formats and SQL metacharacters in ids', () => {
    const login = methods['auth.login'].input;
    expect(
      login.safeParse({ method: 'doc', state: 'FLA', docNumber: 'S1', pin: '1234' }).success,
    ).toBe(false);
    // what people type is normalized as the central service does: "fl" + "s1" is FL + S1
    expect(login.parse({ method: 'doc', state: 'fl', docNumber: 's1', pin: '1234' })).toEqual({
      method: 'doc',
      state: 'FL',
      docNumber: 'S1',
      pin: '1234',
    });
    expect(
      login.safeParse({ method: 'doc', state: 'FL', docNumber: "S1' OR 1=1 --", pin: '1234' })
        .success,
    ).toBe(false);
    expect(
      login.safeParse({ method: 'doc', state: 'FL', docNumber: 'S1', pin: 1234 }).success,
    ).toBe(false);
    expect(
      login.safeParse({ method: 'doc', state: 'FL', docNumber: 'S1', pin: '1234', admin: true })
        .success,
    ).toBe(false);
  });

  it('bounds every free-text field (property: any string longer than its bound is refused)', () => {
    const draft = methods['mail.saveDraft'].input;
    fc.assert(
      fc.property(fc.string({ minLength: 10_001, maxLength: 10_050 }), (body) => {
        const parsed = draft.safeParse({ contactId: 'c1', subject: 'hi', body });
        return !parsed.success;
      }),
      { numRuns: 20 },
    );
    expect(draft.safeParse({ contactId: 'c1', subject: 'hi', body: 'hello' }).success).toBe(true);
  });

  it('refuses a tickets.file whose description is too short to act on', () => {
    const file = methods['tickets.file'].input;
    expect(
      file.safeParse({
        tabletSerial: 'TAB-1234',
        category: 'charging',
        description: 'broken',
        suggestionsShown: [],
      }).success,
    ).toBe(false);
  });

  it('only lets the lobby quote kiosk channels', () => {
    const quote = methods['lobby.quoteDeposit'].input;
    expect(
      quote.safeParse({ residentId: 'r1', channel: 'kiosk_cash', amountCents: 2000 }).success,
    ).toBe(true);
    expect(
      quote.safeParse({ residentId: 'r1', channel: 'money_order', amountCents: 2000 }).success,
    ).toBe(false);
  });

  it('keeps card results free of anything but brand, last four, expiry, funding, name, token', () => {
    const card = {
      brand: 'visa',
      last4: '1111',
      expiry: '2030-12',
      funding: 'debit',
      cardholderName: 'SMITH/JOHN',
      token: 'tok_0123456789abcdef',
    };
    expect(events['hardware.cardRead'].safeParse(card).success).toBe(true);
    const withPan = events['hardware.cardRead'].safeParse({ ...card, pan: '4111111111111111' });
    expect(withPan.success && 'pan' in withPan.data).toBe(false);
    expect(
      events['hardware.cardRead'].safeParse({ ...card, last4: '4111111111111111' }).success,
    ).toBe(false);
  });
});

describe('wire frames', () => {
  it('accepts an invoke frame and refuses extra keys and bad ids', () => {
    expect(
      InvokeFrameSchema.safeParse({ type: 'invoke', id: 1, method: 'mail.list', input: {} })
        .success,
    ).toBe(true);
    expect(
      InvokeFrameSchema.safeParse({ type: 'invoke', id: -1, method: 'mail.list', input: {} })
        .success,
    ).toBe(false);
    expect(
      InvokeFrameSchema.safeParse({ type: 'invoke', id: 1, method: 'm', input: {}, x: 1 }).success,
    ).toBe(false);
  });

  it('parses result and event frames', () => {
    expect(
      ServerFrameSchema.safeParse({ type: 'result', id: 3, result: { ok: true, value: 1 } })
        .success,
    ).toBe(true);
    expect(
      ServerFrameSchema.safeParse({
        type: 'result',
        id: null,
        result: { ok: false, error: { code: 'invalid_input', message: 'bad frame' } },
      }).success,
    ).toBe(true);
    expect(
      ServerFrameSchema.safeParse({ type: 'event', event: 'stamps.changed', payload: {} }).success,
    ).toBe(true);
  });
});

describe('typed api over a bridge', () => {
  function bridgeAnswering(answer: Awaited<ReturnType<HomelineBridge['invoke']>>) {
    const calls: Array<[string, unknown]> = [];
    const listeners = new Map<string, (payload: unknown) => void>();
    const bridge: HomelineBridge = {
      invoke: async (method, input) => {
        calls.push([method, input]);
        return answer;
      },
      on: (event, listener) => {
        listeners.set(event, listener);
        return () => listeners.delete(event);
      },
    };
    return { bridge, calls, listeners };
  }

  it('returns the value of a successful call', async () => {
    const { bridge, calls } = bridgeAnswering(ok({ contacts: [] }));
    await expect(createApi(bridge).invoke('mail.contacts', {})).resolves.toEqual({ contacts: [] });
    expect(calls).toEqual([['mail.contacts', {}]]);
  });

  it('throws a ContractCallError carrying the code and details of a failed call', async () => {
    const { bridge } = bridgeAnswering(
      fail('invalid_credentials', 'wrong PIN', { attemptsRemaining: 2 }),
    );
    const call = createApi(bridge).invoke('auth.login', {
      method: 'doc',
      state: 'FL',
      docNumber: 'S1',
      pin: '0000',
    });
    await expect(call).rejects.toBeInstanceOf(ContractCallError);
    await expect(call).rejects.toMatchObject({
      code: 'invalid_credentials',
      details: { attemptsRemaining: 2 },
    });
  });

  it('delivers events and unsubscribes', () => {
    const { bridge, listeners } = bridgeAnswering(ok({}));
    const seen: unknown[] = [];
    const off = createApi(bridge).on('stamps.changed', (payload) => seen.push(payload));
    listeners.get('stamps.changed')?.({});
    off();
    expect(seen).toEqual([{}]);
    expect(listeners.has('stamps.changed')).toBe(false);
  });
});

describe('keyed methods', () => {
  it('carry an idempotency key exactly on the actions that change data', () => {
    const mentionsKey = (name: MethodName) =>
      JSON.stringify(
        z.toJSONSchema(methods[name].input, { io: 'input', unrepresentable: 'any' }),
      ).includes('"idempotencyKey"');
    expect(METHOD_NAMES.filter(mentionsKey).sort()).toEqual([...KEYED_METHODS].sort());
    for (const name of KEYED_METHODS) {
      expect(methods[name].input.safeParse({}).success).toBe(false);
    }
  });
});
