import { useState } from 'preact/hooks';
import { readIdentity, type Identity } from './identity';

/** Paste an access token (hosts, moderators, ops and admins get one from the organiser, or a link with ?token=). */
export function SignIn({ message, onSignIn }: { message: string | null; onSignIn: (identity: Identity) => void }) {
  const [token, setToken] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const submit = (event: Event): void => {
    event.preventDefault();
    const identity = readIdentity(token);
    if (typeof identity === 'string') setProblem(identity);
    else onSignIn(identity);
  };
  const shown = problem ?? message;
  return (
    <main class="signin">
      <form class="signin-card" onSubmit={submit}>
        <h1>
          stagecast <span class="muted">console</span>
        </h1>
        <p class="muted">Run the programme, moderate Q&amp;A and watch stream health. Sign in with the access token you were given.</p>
        <label class="field">
          <span>Access token</span>
          <textarea
            id="signin-token"
            rows={4}
            spellcheck={false}
            autocomplete="off"
            placeholder="eyJhbGciOi…"
            value={token}
            onInput={(e) => {
              setToken(e.currentTarget.value);
              setProblem(null);
            }}
          />
        </label>
        {shown && (
          <p class="form-error" role="alert">
            {shown}
          </p>
        )}
        <button type="submit" class="button-primary" disabled={token.trim() === ''}>
          Sign in
        </button>
        <p class="hint">The token stays in this browser tab only and is forgotten when you close it or sign out.</p>
      </form>
    </main>
  );
}
