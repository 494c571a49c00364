import { describe, expect, it } from 'vitest';
import { methods } from '../../electron/contract';
import { isoInstant, stampCount } from '../../electron/contract/primitives';
import {
  MUTATION_ARGS,
  ResidentLookupRequestSchema,
  type MutationName,
  type PushResponse,
} from '../../sync/protocol';
import type { TestCentral } from '../../sync/server/testing/central';
import type { TestDevice } from '../../sync/server/testing/device';
import { eachTestCentral } from '../../sync/server/testing/each-central';

/**
 * Every field format has one definition (domain/formats.ts). This proves it where it matters: the
 * same valid and invalid samples of each field go through the device's contract (a method input
 * carrying the field), the sync protocol (a mutation or request carrying it) and a real central
 * service over HTTP (a push, or a route), and every layer gives the same verdict. The phone
 * "555 123" is the case that once passed on the device and was refused for good by the service.
 */

interface Layers {
  central: TestCentral;
  kiosk: TestDevice;
  /** Deposits come only from a lobby kiosk (enrolled on first use). */
  lobby: () => Promise<TestDevice>;
  residentId: string;
  nextSeq: () => number;
}

/** A verdict of the central service: true when it took the value's format. */
type ServerCheck = (layers: Layers, value: unknown) => Promise<boolean>;

interface FieldCase {
  field: string;
  valid: unknown[];
  invalid: unknown[];
  contract: (value: unknown) => boolean;
  protocol?: (value: unknown) => boolean;
  server: ServerCheck;
}

const releaseFields = {
  tabletSerial: 'TAB-0042',
  firstName: 'Ana',
  lastName: 'Lopez',
  phone: '+1 (850) 555-0142',
  returnAddress: '12 Palm Ave, Miami, FL 33101',
};

const ok = (schema: { safeParse(value: unknown): { success: boolean } }, value: unknown) =>
  schema.safeParse(value).success;

/** Pushes one mutation; the service's format verdict is "not refused as invalid_args". */
async function pushed(
  layers: Layers,
  name: MutationName,
  args: unknown,
  device = layers.kiosk,
): Promise<boolean> {
  const answer = await device.request<PushResponse>('POST', '/v1/push', {
    mutations: [
      {
        id: crypto.randomUUID(),
        seq: layers.nextSeq(),
        createdAt: '2026-03-01T00:00:00.000Z',
        name,
        args,
      },
    ],
  });
  expect(answer.status).toBe(200);
  const [result] = answer.body.results;
  return !(result!.outcome.status === 'rejected' && result!.outcome.code === 'invalid_args');
}

/** A release request with one field replaced, as contract input, protocol args and a push. */
function releaseField(field: keyof typeof releaseFields): Omit<FieldCase, 'valid' | 'invalid'> {
  const contractInput = (value: unknown) => ({
    ...releaseFields,
    docNumber: 'S1',
    idempotencyKey: crypto.randomUUID(),
    [field]: value,
  });
  const args = (residentId: string, value: unknown) => ({
    ...releaseFields,
    requestId: crypto.randomUUID(),
    residentId,
    [field]: value,
  });
  return {
    field,
    contract: (value) => ok(methods['account.requestRelease'].input, contractInput(value)),
    protocol: (value) => ok(MUTATION_ARGS['release.request'], args('r-1', value)),
    server: (layers, value) => pushed(layers, 'release.request', args(layers.residentId, value)),
  };
}

/** A resident created through the admin route with one field replaced: 400 is a refusal. */
function residentField(field: string): ServerCheck {
  return async (layers, value) => {
    const answer = await layers.central.admin('POST', '/v1/admin/residents', {
      facilityId: layers.central.facility.id,
      state: 'FL',
      docNumber: `S${Math.floor(Math.random() * 1e9)}`,
      firstName: 'Ana',
      lastName: 'Lopez',
      pin: '1234',
      [field]: value,
    });
    expect([201, 400, 409]).toContain(answer.status);
    return answer.status !== 400;
  };
}

const CASES: FieldCase[] = [
  {
    ...releaseField('phone'),
    valid: ['+1 (850) 555-0142', '850.555.0142', '5551234', ' 555 1234 '],
    invalid: ['555 123', 'call me', '12345', '+1 850 555 0142 0000 1111', '', 5551234],
  },
  {
    ...releaseField('firstName'),
    valid: ['Ana', 'María José', ' Ana ', 'x'.repeat(80)],
    invalid: ['', '   ', '\u202E\u200B', 'x'.repeat(81), 42],
  },
  {
    ...releaseField('returnAddress'),
    valid: ['12 Palm Ave, Miami, FL 33101', 'PO Box 1\nMiami FL', 'x'.repeat(300)],
    invalid: ['', '1 A', '    \u200B    ', 'x'.repeat(301), null],
  },
  {
    ...releaseField('tabletSerial'),
    valid: ['TAB-0042', 'jp5-00123', ' HL-TAB-000123 ', 'ABCD'],
    invalid: ['T-1', 'TAB 0042', 'TAB_0042', 'x'.repeat(33), ''],
  },
  {
    field: 'state',
    valid: ['FL', 'fl', ' tx '],
    invalid: ['F', 'FLA', 'F1', '', 12],
    contract: (value) => ok(methods['lobby.findResident'].input, { state: value, docNumber: 'S1' }),
    protocol: (value) => ok(ResidentLookupRequestSchema, { state: value, docNumber: 'S1' }),
    server: residentField('state'),
  },
  {
    field: 'docNumber',
    valid: ['S123456', 's1', ' ab12 ', 'X'.repeat(12)],
    invalid: ['', 'S-123', "S1' OR 1=1 --", 'X'.repeat(13), 123456],
    contract: (value) => ok(methods['lobby.findResident'].input, { state: 'FL', docNumber: value }),
    protocol: (value) => ok(ResidentLookupRequestSchema, { state: 'FL', docNumber: value }),
    server: residentField('docNumber'),
  },
  {
    field: 'pin',
    valid: ['1234', '12345678', '0000'],
    invalid: ['123', '123456789', '12a4', ' 1234', 1234],
    contract: (value) =>
      ok(methods['auth.login'].input, { method: 'doc', state: 'FL', docNumber: 'S1', pin: value }),
    server: residentField('pin'),
  },
  {
    field: 'badge',
    valid: ['BADGE-0001', 'ABC123', ' BADGE-0002 '],
    invalid: ['ABC12', 'badge-0001', 'BADGE 0001', 'B'.repeat(33), ''],
    contract: (value) =>
      ok(methods['auth.login'].input, { method: 'badge', badgeToken: value, pin: '1234' }),
    server: residentField('badgeId'),
  },
  {
    field: 'cents',
    valid: [1, 100, 100_000_000],
    invalid: [-1, 1.5, 100_000_001, '100', Number.NaN],
    contract: (value) =>
      ok(methods['lobby.quoteDeposit'].input, {
        residentId: 'r-1',
        channel: 'kiosk_cash',
        amountCents: value,
      }),
    protocol: (value) =>
      ok(MUTATION_ARGS['deposit.create'], {
        channel: 'kiosk_card',
        depositId: crypto.randomUUID(),
        residentId: 'r-1',
        amountCents: value,
        chargeId: 'ch_test_1',
      }),
    server: async (layers, value) =>
      pushed(
        layers,
        'deposit.create',
        {
          channel: 'kiosk_card',
          depositId: crypto.randomUUID(),
          residentId: layers.residentId,
          amountCents: value,
          chargeId: 'ch_test_1',
        },
        await layers.lobby(),
      ),
  },
  {
    field: 'stamp count',
    valid: [0, 3, 1_000_000],
    invalid: [-1, 2.5, 1_000_001, '3'],
    contract: (value) => ok(stampCount, value),
    protocol: (value) =>
      ok(MUTATION_ARGS['mail.send'], {
        messageId: crypto.randomUUID(),
        residentId: 'r-1',
        customerId: 'c-1',
        kind: 'email',
        body: 'Hi',
        reservedStamps: value,
      }),
    server: (layers, value) =>
      pushed(layers, 'mail.send', {
        messageId: crypto.randomUUID(),
        residentId: layers.residentId,
        customerId: 'no-such-customer',
        kind: 'email',
        body: 'Hi',
        reservedStamps: value,
      }),
  },
  {
    field: 'instant',
    valid: ['2026-03-01T00:00:00.000Z', '2026-03-01T00:00:00Z'],
    invalid: ['2026-03-01T00:00:00+02:00', '2026-03-01', 'yesterday', 1_772_323_200_000],
    contract: (value) => ok(isoInstant, value),
    protocol: (value) => ok(MUTATION_ARGS['auth.pinFailed'], { residentId: 'r-1', at: value }),
    server: (layers, value) =>
      pushed(layers, 'auth.pinFailed', { residentId: layers.residentId, at: value }),
  },
  {
    field: 'id',
    valid: ['r-1', 'x'.repeat(64), crypto.randomUUID()],
    invalid: ['', 'x'.repeat(65), 7],
    contract: (value) => ok(methods['tickets.read'].input, { ticketId: value }),
    protocol: (value) =>
      ok(MUTATION_ARGS['mail.markRead'], {
        messageId: crypto.randomUUID(),
        residentId: value,
        readAt: '2026-03-01T00:00:00.000Z',
      }),
    server: (layers, value) =>
      pushed(layers, 'mail.markRead', {
        messageId: crypto.randomUUID(),
        residentId: value,
        readAt: '2026-03-01T00:00:00.000Z',
      }),
  },
];

describe('one definition of each field format: contract, protocol and central service agree', () => {
  let central!: TestCentral;
  eachTestCentral('sqlite', (started) => (central = started));

  it.each(CASES.map((fieldCase) => [fieldCase.field, fieldCase] as const))(
    '%s',
    async (_field, fieldCase) => {
      let seq = 0;
      let lobby: Promise<TestDevice> | undefined;
      const layers: Layers = {
        central,
        kiosk: await central.device('kiosk'),
        lobby: () => (lobby ??= central.device('lobby')),
        residentId: await central.resident(),
        nextSeq: () => (seq += 1),
      };
      for (const [samples, expected] of [
        [fieldCase.valid, true],
        [fieldCase.invalid, false],
      ] as const) {
        for (const sample of samples) {
          const verdicts = {
            contract: fieldCase.contract(sample),
            protocol: fieldCase.protocol?.(sample) ?? expected,
            server: await fieldCase.server(layers, sample),
          };
          expect({ sample, ...verdicts }).toEqual({
            sample,
            contract: expected,
            protocol: expected,
            server: expected,
          });
        }
      }
    },
    60_000,
  );
});
