import { PageFailure } from './pageFailure';

/** The page's origin is not secure (plain http, not localhost): browsers keep the camera and microphone from it. */
export class InsecurePageError extends PageFailure {
  override readonly name = 'InsecurePageError';
  constructor() {
    super(
      'insecure_page',
      'browsers allow the camera and microphone only on https pages (or localhost): open this page through an https address',
    );
  }
}

/**
 * The camera and microphone. Browsers give them only to pages of a secure origin: on a plain-http
 * address, a hall's LAN say, `navigator.mediaDevices` does not even exist. Say so, rather than fail
 * on an undefined.
 */
export function openUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream> {
  if (!window.isSecureContext || !navigator.mediaDevices) return Promise.reject(new InsecurePageError());
  return navigator.mediaDevices.getUserMedia(constraints);
}

/** The camera or microphone could not be opened (refused, missing, in use): said in the page's language with the browser's reason. */
export function mediaUnavailable(error: unknown): PageFailure {
  if (error instanceof PageFailure) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new PageFailure('media_unavailable', `camera or microphone unavailable (${reason})`, reason, { cause: error });
}
