import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorBox } from '../components/common.tsx';
import { useSession } from '../session.tsx';

/** Sign-in with an operator or seller API key; the key stays in this browser tab only. */
export function SignInPage() {
  const { t } = useTranslation();
  const { signIn } = useSession();
  const [key, setKey] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signIn(key.trim());
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="sign-in">
      <h1>{t('signIn.title')}</h1>
      <p>{t('signIn.intro')}</p>
      <form onSubmit={submit} className="form">
        <label htmlFor="api-key">{t('signIn.key')}</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autoComplete="off"
          spellCheck={false}
          required
          pattern="lb_.+"
          value={key}
          onChange={(e) => setKey(e.target.value)}
          aria-describedby="api-key-hint"
        />
        <p id="api-key-hint" className="hint">
          {t('signIn.hint')}
        </p>
        <button type="submit" disabled={busy || key.trim() === ''}>
          {busy ? t('signIn.checking') : t('signIn.submit')}
        </button>
      </form>
      <ErrorBox error={error} />
    </div>
  );
}
