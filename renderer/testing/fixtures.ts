import type {
  DeviceInfo,
  MessageDetail,
  MessageSummary,
  SessionInfo,
  StampQuote,
  SyncStatus,
} from '../../electron/contract';

/** Plain contract-shaped values for renderer tests; each test overrides what it is about. */
export const NOW = '2026-11-25T09:00:00.000Z';

export const kioskInfo: DeviceInfo = {
  deviceId: 'kiosk-1',
  profile: 'kiosk',
  facilityId: 'fac-1',
  facilityName: 'Riverside Correctional',
  appVersion: '0.1.0',
  enrolled: true,
  services: ['email', 'photo', 'ecard', 'money'],
  idleTimeoutSeconds: 180,
  idleWarningSeconds: 30,
  defaultLocale: 'en',
  hardware: { cardReader: true, receiptPrinter: true, billAcceptor: true, badgeScanner: true },
};

export const residentSession: SessionInfo = {
  role: 'resident',
  resident: {
    id: 'res-1',
    state: 'FL',
    docNumber: 'S100001',
    firstName: 'Ana',
    lastName: 'Lopez',
    tabletSerial: 'TAB-0001',
  },
  startedAt: NOW,
  expiresAt: '2026-11-25T09:03:00.000Z',
};

export const idleSync: SyncStatus = {
  state: 'idle',
  pendingMutations: 0,
  pushed: 0,
  pulled: 0,
  lastSuccessAt: NOW,
  lastError: null,
  nextAttemptAt: null,
};

export function summary(overrides: Partial<MessageSummary> = {}): MessageSummary {
  return {
    id: 'msg-1',
    direction: 'inbound',
    contactId: 'c-1',
    contactName: 'Maria Lopez',
    subject: 'Hello',
    preview: 'How are you?',
    status: 'delivered',
    createdAt: NOW,
    sentAt: NOW,
    readAt: null,
    attachmentCount: 0,
    ...overrides,
  };
}

export function detail(overrides: Partial<MessageDetail> = {}): MessageDetail {
  return {
    ...summary(),
    body: 'How are you? We miss you.',
    attachments: [],
    timeline: [{ status: 'sent', at: NOW, reason: null }],
    expectedDeliveryAt: null,
    overdue: false,
    replyToMessageId: null,
    stampCost: null,
    prepaidReplyStamps: 0,
    refusalReason: null,
    refundedStamps: 0,
    ecard: false,
    ...overrides,
  };
}

export function quote(overrides: Partial<StampQuote> = {}): StampQuote {
  return {
    lines: [{ feature: 'email', count: 1, stamps: 1 }],
    total: 1,
    fromPrepaid: 0,
    fromBalance: 1,
    available: 10,
    sufficient: true,
    ...overrides,
  };
}
