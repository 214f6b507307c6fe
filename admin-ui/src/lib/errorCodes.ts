/**
 * Error codes as pages read them, without the signaling client: the pages that only call the REST API
 * (the desk, the embedded player) word failures too, and should not load a WebRTC stack to do it.
 */

/** Errors that retrying cannot fix. */
export const FATAL_CODES: ReadonlySet<string> = new Set(['unauthorized', 'forbidden', 'not_found', 'bad_request']);

/**
 * The code a failure carries: its own (a request's, a token's, a REST answer's), or, for a handshake
 * the server refused, the one its middleware put in `data`.
 */
export function codeOf(error: Error): string | undefined {
  if ('code' in error && typeof error.code === 'string') return error.code;
  if (
    'data' in error &&
    typeof error.data === 'object' &&
    error.data !== null &&
    'code' in error.data &&
    typeof error.data.code === 'string'
  ) {
    return error.data.code;
  }
  return undefined;
}
