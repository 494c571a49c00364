import { createHash, randomBytes } from 'node:crypto';
import sample from '../../../assets/facility.sample.json';
import { FacilityConfigSchema } from '../../../domain/facility';
import { setMaintenancePin, setResidentPin } from '../services/credentials';
import type { Store } from '../store';
import type { LocalMessageRow } from '../store/repositories/mail';
import { badgeHash } from '../store/repositories/residents';

export interface SeedDemoOptions {
  /** The instant the demo data is relative to (mail a few days old, etc.). */
  now?: string;
  /** Every demo resident's PIN (docs/backend.md lists the accounts). */
  pin?: string;
  maintenancePin?: string;
  residents?: number;
}

export const DEMO_FACILITY_ID = FacilityConfigSchema.parse(sample).id;

/** The demo accounts: FL + S100001.., PIN 1234, badge BADGE-100001.., maintenance PIN 24680. */
export const DEMO = {
  state: 'FL',
  pin: '1234',
  maintenancePin: '24680',
  docNumber: (index: number) => `S${100001 + index}`,
  residentId: (index: number) => `demo-r${String(index + 1).padStart(2, '0')}`,
  badgeToken: (index: number) => `BADGE-${100001 + index}`,
  /** Where the demo's release forms send tablets (a device's `warehouseAddress` option). */
  warehouseAddress:
    'Homeline Tablet Returns\n1200 Commerce Park Dr, Suite 4\nTallahassee, FL 32304',
} as const;

const NAMES: [string, string][] = [
  ['James', 'Carter'],
  ['María', 'González'],
  ['Robert', 'Johnson'],
  ['José', 'Martínez'],
  ['Michael', 'Brown'],
  ['Luis', 'Hernández'],
  ['David', 'Miller'],
  ['Carlos', 'Rodríguez'],
  ['William', 'Davis'],
  ['Ana', 'López'],
  ['Thomas', 'Wilson'],
  ['Jorge', 'Ramírez'],
];

const CONTACTS: { name: string; email: string }[] = [
  { name: 'Linda Carter', email: 'linda@example.com' },
  { name: 'Rosa Gómez', email: 'rosa@example.com' },
  { name: 'Kevin Reed', email: 'kevin@example.com' },
];

const INBOX: { subject: string; body: string }[] = [
  {
    subject: 'Happy birthday!',
    body: 'We had cake for you at grandma’s house. Everyone says hello and we miss you.',
  },
  {
    subject: 'Noticias de la familia',
    body: 'Tu hermana empezó un trabajo nuevo y los niños están muy bien en la escuela. Te queremos.',
  },
  {
    subject: 'Visit next month',
    body: 'I booked the video visit for the 12th. Let me know if the time works for you.',
  },
  {
    subject: 'Fotos del cumpleaños',
    body: 'Te mando fotos de la fiesta. La abuela preparó tamales y pastel de tres leches.',
  },
];

const REJECTED_LETTER = {
  subject: 'Address for the package',
  body: 'Mom, please send the package to the address the officer gave me, the one on the back gate.',
};

/** How the demo residents sign in (`npm run harness` prints it; docs/backend.md lists it). */
export function demoResidentLogins(
  count = NAMES.length,
): { docNumber: string; name: string; badgeToken: string }[] {
  return NAMES.slice(0, count).map(([firstName, lastName], index) => ({
    docNumber: DEMO.docNumber(index),
    name: `${firstName} ${lastName}`,
    badgeToken: DEMO.badgeToken(index),
  }));
}

/** A 1x1 PNG, so the demo has an attachment whose bytes exist. */
const DEMO_PHOTO = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
  'base64',
);

const minutesBefore = (now: string, minutes: number) =>
  new Date(Date.parse(now) - minutes * 60_000).toISOString();

/**
 * Seeds a demo device: the sample facility, a dozen residents with PINs, contacts, mail in
 * English and Spanish (one with a photo, one with prepaid reply stamps), a sent letter review
 * rejected with its stamp returned, stamps, money, a ticket
 * with an agent's answer and a chargeback block on the last resident. Run it on a new store.
 */
export async function seedDemo(store: Store, options: SeedDemoOptions = {}): Promise<void> {
  const now = options.now ?? new Date().toISOString();
  const facility = FacilityConfigSchema.parse(sample);
  const residentCount = Math.min(options.residents ?? NAMES.length, NAMES.length);
  store.identity.saveFacility({
    facilityId: facility.id,
    version: 1,
    config: facility,
    updatedAt: now,
  });
  await setMaintenancePin(store, options.maintenancePin ?? DEMO.maintenancePin);
  // Badges are kept as keyed hashes, as the central service sends them; this store's own key.
  const badgeKey = { id: 'demo-badge-key', key: randomBytes(32).toString('base64url') };
  store.residents.saveBadgeKey(badgeKey);
  const photoHash = createHash('sha256').update(DEMO_PHOTO).digest('hex');

  for (let index = 0; index < residentCount; index += 1) {
    const [firstName, lastName] = NAMES[index]!; // residentCount <= NAMES.length
    const residentId = DEMO.residentId(index);
    store.residents.upsert({
      id: residentId,
      facilityId: facility.id,
      state: DEMO.state,
      docNumber: DEMO.docNumber(index),
      firstName,
      lastName,
      tabletSerial: `TAB-${100001 + index}`,
      housingUnitId: null,
      badgeHash: badgeHash(badgeKey, DEMO.badgeToken(index)),
      sourceScope: null,
      updatedAt: now,
    });
    await setResidentPin(store, residentId, options.pin ?? DEMO.pin, now);
    store.transaction(() => {
      CONTACTS.forEach((contact, contactIndex) => {
        store.contacts.upsert(
          {
            id: `${residentId}-c${contactIndex + 1}`,
            residentId,
            customerId: `demo-customer-${contactIndex + 1}`,
            displayName: contact.name,
            email: contact.email,
            blocked: false,
          },
          now,
        );
      });
      store.stamps.setConfirmed(residentId, 20, now);
      store.stamps.setSpendable(residentId, 5_000, now);
      INBOX.forEach((mail, mailIndex) => {
        const at = minutesBefore(now, (mailIndex + 1) * 240);
        const message: LocalMessageRow = {
          id: `${residentId}-m${mailIndex + 1}`,
          residentId,
          contactId: `${residentId}-c${(mailIndex % CONTACTS.length) + 1}`,
          direction: 'inbound',
          status: 'delivered',
          subject: mail.subject,
          body: mail.body,
          replyToId: null,
          stampCost: 0,
          prepaidReplyStamps: mailIndex === 1 ? 2 : 0,
          ecard: false,
          readAt: null,
          statusReason: null,
          sortAt: at,
          sentAt: at,
          updatedAt: at,
        };
        store.mail.insert(message);
        for (const status of ['sent', 'in_review', 'released', 'delivered'] as const) {
          store.mail.addEvent(message.id, status, at);
        }
        if (mailIndex === 3) {
          store.blobs.save(photoHash, DEMO_PHOTO);
          store.mail.insertAttachment({
            id: `${message.id}-a1`,
            messageId: message.id,
            kind: 'photo',
            fileName: 'fiesta.png',
            mimeType: 'image/png',
            sizeBytes: DEMO_PHOTO.length,
            contentHash: photoHash,
          });
        }
        if (message.prepaidReplyStamps > 0) {
          store.stamps.saveHolding(
            {
              id: `${message.id}-prepaid`,
              residentId,
              contactId: message.contactId,
              sourceMessageId: message.id,
              stamps: message.prepaidReplyStamps,
            },
            now,
          );
        }
      });
      store.stamps.recordHistory({
        id: `${residentId}-h1`,
        residentId,
        kind: 'purchase',
        stamps: 20,
        status: 'confirmed',
        messageId: null,
        at: minutesBefore(now, 7 * 24 * 60),
      });
      seedRejectedLetter(store, residentId, now);
    });
  }

  const first = DEMO.residentId(0);
  store.transaction(() => {
    store.tickets.insert({
      id: 'demo-t1',
      residentId: first,
      tabletSerial: 'TAB-100001',
      category: 'charging',
      description: 'My tablet does not charge when I plug it in at night.',
      status: 'answered',
      suggestionsShown: [],
      createdAt: minutesBefore(now, 2 * 24 * 60),
      updatedAt: minutesBefore(now, 24 * 60),
    });
    store.tickets.addMessage({
      id: 'demo-t1-m1',
      ticketId: 'demo-t1',
      author: 'agent',
      body: 'Please try another charging port and hold the power button for 30 seconds.',
      delivered: true,
      createdAt: minutesBefore(now, 24 * 60),
    });
    if (residentCount === NAMES.length) {
      store.account.saveChargeback({
        id: 'demo-cb1',
        customerId: 'demo-customer-1',
        residentId: DEMO.residentId(NAMES.length - 1),
        kind: 'bank_card',
        amountCents: 5_000,
        recoveredCents: 0,
        openedAt: minutesBefore(now, 30 * 24 * 60),
        resolvedAt: null,
      });
    }
  });
}

/**
 * A letter of the resident's that review rejected, as the central service sends it back: the
 * reason in its timeline and the stamp it cost returned, in the letter and in the history.
 */
function seedRejectedLetter(store: Store, residentId: string, now: string): void {
  const sentAt = minutesBefore(now, 3 * 24 * 60);
  const decidedAt = minutesBefore(now, 2 * 24 * 60);
  const id = `${residentId}-sent1`;
  store.mail.applyServerMessage(
    {
      id,
      residentId,
      contactId: `${residentId}-c1`,
      direction: 'outbound',
      status: 'rejected',
      subject: REJECTED_LETTER.subject,
      body: REJECTED_LETTER.body,
      stampCost: 1,
      prepaidReplyStamps: 0,
      ecard: false,
      readAt: null,
      statusReason: 'security_risk',
      refundedStamps: 1,
      sentAt,
      updatedAt: decidedAt,
    },
    [
      { status: 'sent', at: sentAt, reason: null },
      { status: 'in_review', at: sentAt, reason: null },
      { status: 'rejected', at: decidedAt, reason: 'security_risk' },
    ],
    [],
    false,
  );
  for (const [kind, stamps, at] of [
    ['spend', -1, sentAt],
    ['refund', 1, decidedAt],
  ] as const) {
    store.stamps.recordHistory({
      id: `${id}-${kind}`,
      residentId,
      kind,
      stamps,
      status: 'confirmed',
      messageId: id,
      at,
    });
  }
}
