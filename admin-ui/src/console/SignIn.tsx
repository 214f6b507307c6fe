import { useState } from 'preact/hooks';
import { LocaleMenu } from '../i18n/LocaleMenu';
import { consoleText } from '../i18n/messages/console';
import { useLocale } from '../i18n/preact';
import { type Identity, isTokenProblem, readIdentity, type TokenProblem } from './identity';
import { tokenProblemText } from './identityText';

/** How every access token begins (the encoded JWT header): a hint of what to paste, not text to read. */
const TOKEN_START = 'eyJhbGciOi…';

/** Paste an access token (hosts, moderators, ops and admins get one from the organiser, or a link with ?token=). */
export function SignIn({ message, onSignIn }: { message: TokenProblem | null; onSignIn: (identity: Identity) => void }) {
  useLocale();
  const [token, setToken] = useState('');
  const [problem, setProblem] = useState<TokenProblem | null>(null);
  const submit = (event: Event): void => {
    event.preventDefault();
    const identity = readIdentity(token);
    if (isTokenProblem(identity)) setProblem(identity);
    else onSignIn(identity);
  };
  const shown = problem ?? message;
  return (
    <main class="signin">
      <form class="signin-card" onSubmit={submit}>
        <div class="signin-head">
          <h1>
            stagecast <span class="muted">{consoleText.t('signin.product')}</span>
          </h1>
          <LocaleMenu />
        </div>
        <p class="muted">{consoleText.t('signin.intro')}</p>
        <label class="field">
          <span>{consoleText.t('signin.token')}</span>
          <textarea
            id="signin-token"
            rows={4}
            spellcheck={false}
            autocomplete="off"
            placeholder={TOKEN_START}
            value={token}
            onInput={(e) => {
              setToken(e.currentTarget.value);
              setProblem(null);
            }}
          />
        </label>
        {shown && (
          <p class="form-error" role="alert">
            {tokenProblemText(shown)}
          </p>
        )}
        <button type="submit" class="button-primary" disabled={token.trim() === ''}>
          {consoleText.t('signin.submit')}
        </button>
        <p class="hint">{consoleText.t('signin.hint')}</p>
      </form>
    </main>
  );
}
