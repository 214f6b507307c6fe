/** The page's origin is not secure (plain http, not localhost): browsers keep the camera and microphone from it. */
export class InsecurePageError extends Error {
  override readonly name = 'InsecurePageError';
  constructor() {
    super('browsers allow the camera and microphone only on https pages (or localhost): open this page through an https address');
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
