import { useTranslation } from 'react-i18next';
import { docNumber as docNumberSchema, stateCode } from '../../electron/contract/primitives';
import { TextField } from './TextField';

/** Whether a state and DOC number are well formed enough to send. */
export function isResidentRef(state: string, docNumber: string): boolean {
  return stateCode.safeParse(state).success && docNumberSchema.safeParse(docNumber).success;
}

interface ResidentRefFieldsProps {
  state: string;
  docNumber: string;
  onState(state: string): void;
  onDocNumber(docNumber: string): void;
}

/** The two fields that identify a resident (docs/rules.md: state + DOC number), side by side. */
export function ResidentRefFields(props: ResidentRefFieldsProps) {
  const { t } = useTranslation();
  return (
    <div className="row">
      <TextField
        label={t('login.state')}
        value={props.state}
        onChange={(value) => props.onState(value.slice(0, 2))}
        upperCase
        maxLength={2}
        keyboard="state"
        name="state"
      />
      <TextField
        label={t('login.docNumber')}
        value={props.docNumber}
        onChange={props.onDocNumber}
        upperCase
        maxLength={12}
        keyboard="code"
        name="docNumber"
      />
    </div>
  );
}
