import { describe, expect, it } from 'vitest';
import { en } from './i18n/en';
import { es } from './i18n/es';
import { cardDeclineKey, reasonKey, syncProblemKey } from './reasons';

describe('reason codes shown to people', () => {
  it('maps review rejections and send refusals to their own text, anything else to "other"', () => {
    expect(reasonKey('threat')).toBe('threat');
    expect(reasonKey('insufficient_stamps')).toBe('insufficient_stamps');
    expect(reasonKey('feature_not_offered')).toBe('feature_not_offered');
    expect(reasonKey('something_new')).toBe('other');
    expect(reasonKey(null)).toBe('other');
  });

  it('names every sync problem for facility IT, none when there is none', () => {
    expect(syncProblemKey(null)).toBe('none');
    expect(syncProblemKey('upgrade_required')).toBe('upgrade_required');
    expect(syncProblemKey('device_revoked')).toBe('device_revoked');
    expect(syncProblemKey('weird')).toBe('other');
  });

  it('has English and Spanish text for every key it can return', () => {
    const codes = ['threat', 'locked', 'attachment_missing', 'unknown', null];
    for (const code of codes) {
      const key = reasonKey(code);
      expect(en.reason[key]).toBeTruthy();
      expect(es.reason[key]).toBeTruthy();
    }
    for (const code of ['offline', 'not_enrolled', 'local_store', 'unknown', null]) {
      const key = syncProblemKey(code);
      expect(en.syncProblem[key]).toBeTruthy();
      expect(es.syncProblem[key]).toBeTruthy();
    }
  });
});

describe('cardDeclineKey', () => {
  it('names insufficient funds and an expired card, and reads any other reason as declined', () => {
    expect(cardDeclineKey('insufficient_funds')).toBe('insufficient_funds');
    expect(cardDeclineKey('expired_card')).toBe('expired_card');
    expect(cardDeclineKey('do_not_honor')).toBe('declined');
    expect(cardDeclineKey(undefined)).toBe('declined');
  });
});
