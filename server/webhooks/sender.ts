import http from 'node:http';
import https from 'node:https';
import { AppError } from '../errors';
import { checkedLookup, type Resolve, resolvePublic } from './addressCheck';

export interface SendOptions {
  timeoutMs: number;
  /** ALLOW_PRIVATE_WEBHOOK_TARGETS: no address check (tests, development). */
  allowPrivate: boolean;
  /** Name resolution for the address check (tests give their own; no connection is made for a refused name). */
  resolve?: Resolve;
}

/** What one attempt came to: delivered (2xx), or why not. */
export type SendOutcome = { ok: true; status: number } | { ok: false; status: number | null; error: string };

/**
 * POSTs one signed message. Redirects are not followed: a 3xx is a failed attempt, so a receiver
 * cannot bounce the request to an address the check refused. The whole attempt, connection included,
 * is bounded by `timeoutMs`; the receiver's answer is read and dropped.
 */
export async function sendWebhook(url: string, body: string, headers: Record<string, string>, options: SendOptions): Promise<SendOutcome> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return { ok: false, status: null, error: 'invalid URL' };
  }
  const client = target.protocol === 'https:' ? https : target.protocol === 'http:' ? http : null;
  if (!client) return { ok: false, status: null, error: `unsupported scheme ${target.protocol}` };
  try {
    // An address literal is never looked up by the socket: it is checked here.
    if (!options.allowPrivate) await resolvePublic(target.hostname, options.resolve);
  } catch (error) {
    return { ok: false, status: null, error: error instanceof AppError ? error.message : String(error) };
  }
  return new Promise<SendOutcome>((resolve) => {
    const request = client.request(
      target,
      {
        method: 'POST',
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'stagecast-webhooks',
        },
        timeout: options.timeoutMs,
        ...(options.allowPrivate ? {} : { lookup: checkedLookup(options.resolve) }),
      },
      (response) => {
        const status = response.statusCode ?? 0;
        response.resume();
        response.on('end', () => {
          clearTimeout(deadline);
          if (status >= 200 && status < 300) resolve({ ok: true, status });
          else if (status >= 300 && status < 400) resolve({ ok: false, status, error: `redirect (${status}) not followed` });
          else resolve({ ok: false, status, error: `HTTP ${status}` });
        });
        response.on('error', (error) => {
          clearTimeout(deadline);
          resolve({ ok: false, status, error: error.message });
        });
      },
    );
    // `timeout` only bounds idle time between packets: a receiver trickling bytes is cut here.
    const deadline = setTimeout(() => request.destroy(new Error(`no answer within ${options.timeoutMs} ms`)), options.timeoutMs);
    request.on('timeout', () => request.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    request.on('error', (error) => {
      clearTimeout(deadline);
      resolve({ ok: false, status: null, error: error.message });
    });
    request.end(body);
  });
}
