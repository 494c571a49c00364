import { randomUUID } from 'node:crypto';
import { isLocked, recordLoginAttempt } from '../../../domain/lockout';
import type { Handlers } from '../context';
import { ServiceError } from '../errors';
import { audit } from './audit';
import { sessionInfo } from './auth';
import { deviceInfo, requireDevices, syncStatus } from './device';
import { decodePinHash, DECOY_PIN_HASH, verifyPin } from './pin-hash';
import { printReceipt } from './receipts';

const AUDIT_EXPORT_ROWS = 5000;

export const maintenanceHandlers = {
  /** Facility IT: the maintenance PIN opens a maintenance session, under the lockout rule. */
  async 'maintenance.unlock'(context, input) {
    const { core } = context;
    if (isLocked(core.maintenanceLockout)) {
      audit(context, 'maintenance.refused_locked', null);
      throw new ServiceError('locked', 'maintenance is locked after too many wrong PINs');
    }
    const stored = decodePinHash(core.store.identity.device()?.maintenancePinHash ?? '');
    const correct = await verifyPin(input.pin, stored ?? (await DECOY_PIN_HASH));
    const result = recordLoginAttempt(
      core.maintenanceLockout,
      correct && stored !== null,
      context.now,
    );
    core.maintenanceLockout = result.state;
    audit(context, `maintenance.${result.outcome}`, null, { attemptsLeft: result.attemptsLeft });
    if (result.outcome === 'locked_now') {
      throw new ServiceError('locked', 'maintenance is locked after too many wrong PINs');
    }
    if (result.outcome !== 'accepted') {
      throw new ServiceError('invalid_credentials', 'wrong maintenance PIN', {
        attemptsRemaining: result.attemptsLeft,
      });
    }
    context.connection.startSession({
      id: randomUUID(),
      role: 'maintenance',
      residentId: null,
      startedAt: context.now,
    });
    return sessionInfo(core, context.connection.session)!;
  },

  'maintenance.status'(context) {
    const { core } = context;
    const sync = syncStatus(core);
    const lastSuccess = sync.lastSuccessAt ? Date.parse(sync.lastSuccessAt) : null;
    const outbox = core.store.outbox.counts();
    return {
      device: deviceInfo(core),
      sync,
      outboxDepth: outbox.pending + outbox.sent,
      syncLagSeconds:
        lastSuccess === null
          ? null
          : Math.max(0, Math.floor((Date.parse(context.now) - lastSuccess) / 1000)),
      hardware: core.devices?.health() ?? [],
    };
  },

  async 'maintenance.testPrint'(context) {
    requireDevices(context.core);
    const job = await printReceipt(context, 'en', { kind: 'test_page' });
    if (!job) throw new ServiceError('device_unavailable', 'this device has no receipt printer');
    return job;
  },

  /** The audit log as JSON lines (it holds no card data or PINs by construction). */
  'maintenance.exportLogs'(context) {
    const entries = context.core.store.audit.recent(AUDIT_EXPORT_ROWS).reverse();
    audit(context, 'maintenance.export_logs', null, { rows: entries.length });
    return {
      fileName: `homeline-audit-${context.now.replace(/[:.]/g, '-')}.jsonl`,
      content: entries.map((entry) => JSON.stringify(entry)).join('\n'),
    };
  },
} satisfies Partial<Handlers>;
