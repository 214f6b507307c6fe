/**
 * Secrets production refuses: the development secret this repository publishes, and the kinds of
 * value people paste while setting up (a placeholder word, one character or a short run repeated).
 * A deny list, not a strength meter: it catches what is known to be copied around, nothing more.
 */
const PLACEHOLDER_WORDS = [
  'changeme',
  'change-me',
  'change_me',
  'secret',
  'password',
  'replaceme',
  'your-secret',
  'yoursecret',
  'jwtsecret',
  'jwt-secret',
  'example',
  'default',
  'stagecast',
];

/** Fewer different characters than this in a 32+ character secret means it was typed, not generated. */
const MIN_DISTINCT_CHARACTERS = 10;

export function weakSecretReason(secret: string, published: readonly string[]): string | null {
  const lower = secret.toLowerCase();
  if (published.some((known) => known.toLowerCase() === lower)) return 'it is the development secret published with stagecast';
  // A unit of up to 16 characters repeated: 'aaaa…', 'secretsecret…', '0123456789012345…'.
  if (/^([\s\S]{1,16})\1+$/.test(secret)) return 'it is a short run of characters repeated';
  if (new Set(secret).size < MIN_DISTINCT_CHARACTERS) return `it has fewer than ${MIN_DISTINCT_CHARACTERS} different characters`;
  const word = PLACEHOLDER_WORDS.find((placeholder) => lower.startsWith(placeholder));
  if (word) return `it starts with the placeholder "${word}"`;
  return null;
}
