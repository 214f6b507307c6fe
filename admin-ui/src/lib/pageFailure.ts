/**
 * A failure the page finds by itself (a camera refused, an address that names no stage, a browser
 * that lacks something), named by a code the page translates; the message stays for logs.
 */
export type PageFailureCode =
  | 'no_stage'
  | 'no_meeting'
  | 'insecure_page'
  | 'media_unavailable'
  | 'no_microphone'
  | 'not_interpreter'
  | 'hls_unsupported'
  | 'cannot_send';

export class PageFailure extends Error {
  override readonly name: string = 'PageFailure';
  constructor(
    readonly code: PageFailureCode,
    message: string,
    /** What the browser said, for failures that pass it on to the reader (a refused camera). */
    readonly reason: string = '',
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
