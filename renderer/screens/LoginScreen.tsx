import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { pin as pinSchema } from '../../electron/contract/primitives';
import { ErrorNotice, Notice } from '../components/ErrorNotice';
import { PinPad } from '../components/PinPad';
import { ActionBar } from '../components/design';
import { isResidentRef, ResidentRefFields } from '../components/ResidentRefFields';
import { useDevice } from '../stores/device';
import { useHardware } from '../stores/hardware';
import { useSession } from '../stores/session';

function LoginError() {
  const { t } = useTranslation();
  const error = useSession((state) => state.error);
  if (!error) return null;
  if (error.code === 'locked') {
    return (
      <div className="notice error" role="alert">
        <p>
          <strong>{t('login.locked')}</strong>
        </p>
        <p>{t('login.lockedNext')}</p>
      </div>
    );
  }
  if (error.code === 'invalid_credentials') {
    const left = error.details?.attemptsRemaining;
    return (
      <p className="notice error" role="alert">
        {typeof left === 'number'
          ? t('login.wrongPin', { count: left })
          : t('login.wrongPinUnknown')}
      </p>
    );
  }
  if (error.code === 'invalid_input') {
    return (
      <p className="notice error" role="alert">
        {t('login.invalid')}
      </p>
    );
  }
  return <ErrorNotice error={error} />;
}

/** Resident login: state + DOC number + PIN, or a badge scan + PIN. */
export default function LoginScreen() {
  const badge = useHardware((state) => state.badgeToken);
  // A new scan starts a fresh form (empty PIN).
  return <LoginForm key={badge ?? 'doc'} badge={badge} />;
}

function LoginForm({ badge }: { badge: string | null }) {
  const { t } = useTranslation();
  const badgeScanner = useDevice((state) => state.info?.hardware.badgeScanner ?? false);
  const endedReason = useSession((state) => state.endedReason);
  const busy = useSession((state) => state.busy);
  const loginWithDoc = useSession((state) => state.loginWithDoc);
  const loginWithBadge = useSession((state) => state.loginWithBadge);
  const forgetBadge = useHardware((state) => state.forgetBadge);
  const [state, setState] = useState('');
  const [docNumber, setDocNumber] = useState('');
  const [pin, setPin] = useState('');

  const valid = badge
    ? pinSchema.safeParse(pin).success
    : isResidentRef(state, docNumber) && pinSchema.safeParse(pin).success;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!valid || busy) return;
    if (badge) {
      if (await loginWithBadge(badge, pin)) forgetBadge();
    } else await loginWithDoc(state, docNumber, pin);
    setPin('');
  };
  return (
    <section className="panel narrow" aria-labelledby="login-title">
      <h1 id="login-title">{t('login.title')}</h1>
      {endedReason && endedReason !== 'logout' && (
        <Notice>{t(`login.ended_${endedReason}`)}</Notice>
      )}
      <p className="lead">{badge ? t('login.badgeScanned') : t('login.subtitle')}</p>
      <form onSubmit={(event) => void submit(event)} className="stack">
        <div className="split">
          <div className="stack">
            {!badge && (
              <ResidentRefFields
                state={state}
                docNumber={docNumber}
                onState={setState}
                onDocNumber={setDocNumber}
              />
            )}
            {badge ? (
              <button type="button" className="button secondary wide" onClick={forgetBadge}>
                {t('login.useDocInstead')}
              </button>
            ) : (
              badgeScanner && <p className="hint">{t('login.scanBadge')}</p>
            )}
            <LoginError />
          </div>
          <div className="stack">
            <PinPad value={pin} onChange={setPin} />
            <p className="hint">{t('login.pinHint')}</p>
          </div>
        </div>
        <ActionBar>
          <button type="submit" className="button primary wide" disabled={!valid || busy}>
            {t('login.submit')}
          </button>
        </ActionBar>
      </form>
    </section>
  );
}
