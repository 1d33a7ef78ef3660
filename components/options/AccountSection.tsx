import { useLayoutEffect, useState } from 'preact/hooks';
import type { AuthView } from '@/utils/shared/messages';
import { emailProblem } from '@/utils/ui/form-input';
import type { OptionsActions } from '@/utils/ui/connect';
import { type Errors, type SetErrors, TextField, useOptionsText } from './shared';

export interface AccountSectionProps {
  actions: Pick<OptionsActions, 'signIn' | 'signOut'>;
  auth: AuthView | null;
  onAuth: (auth: AuthView) => void;
  /** The account to offer again after an expired session, once known. */
  knownEmail: string;
  /** The connection is being saved: signing in waits. */
  saving: boolean;
  errors: Errors;
  setErrors: SetErrors;
}

export function AccountSection({ actions, auth, onAuth, knownEmail, saving, errors, setErrors }: AccountSectionProps) {
  const { t, p, e } = useOptionsText();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [signingIn, setSigningIn] = useState(false);
  const [authResult, setAuthResult] = useState<string | null>(null);

  useLayoutEffect(() => {
    if (knownEmail) setEmail(knownEmail);
  }, [knownEmail]);

  async function signIn(ev: Event) {
    ev.preventDefault();
    if (signingIn || saving) return;
    const next: Errors = {};
    const ep = emailProblem(email);
    if (ep) next.email = p(ep);
    if (password === '') next.password = t('password_empty');
    setErrors((x) => ({ ...x, email: next.email, password: next.password }));
    if (next.email || next.password) return;
    setSigningIn(true);
    setAuthResult(null);
    const r = await actions.signIn(email.trim(), password);
    setSigningIn(false);
    if (r.ok) {
      onAuth(r.data);
      setPassword('');
    } else setAuthResult(e(r.error));
  }

  async function signOut() {
    const r = await actions.signOut();
    if (r.ok) onAuth(r.data);
    else setAuthResult(e(r.error));
  }

  return (
    <section id="account" aria-labelledby="account-heading">
      <h2 id="account-heading">{t('section_account')}</h2>
      {auth?.needsSignIn && <p class="notice warn">{t('session_expired_options')}</p>}
      {auth?.signedIn && auth.user && !auth.needsSignIn ? (
        <div class="row">
          <p dir="auto">{t('signed_in_as', [auth.user.name, auth.user.email])}</p>
          <button type="button" onClick={() => void signOut()}>
            {t('sign_out')}
          </button>
        </div>
      ) : (
        <form onSubmit={signIn} noValidate class="stack">
          <TextField
            id="email"
            label={t('email_label')}
            type="email"
            dir="ltr"
            autoComplete="username"
            value={email}
            error={errors.email}
            onValue={setEmail}
          />
          <TextField
            id="password"
            label={t('password_label')}
            type="password"
            autoComplete="current-password"
            value={password}
            error={errors.password}
            onValue={setPassword}
          />
          <div class="row">
            <button type="submit" class="primary" disabled={signingIn || saving}>
              {t('sign_in')}
            </button>
            {signingIn && <span class="hint">{t('signing_in')}</span>}
          </div>
        </form>
      )}
      {authResult && <p class="problem">{authResult}</p>}
    </section>
  );
}
