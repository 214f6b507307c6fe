import type { AlertRecord } from '../../../../signaling/contract';
import type { MessageParams } from '../../i18n/catalogue';
import { consoleAlerts } from '../../i18n/messages/consoleAlerts';

/** A figure of the alert, or a dash where it has none. */
const figure = (value: number | null, scale = 1, digits = 1): string | number =>
  value === null ? '–' : Math.round((value / scale) * 10 ** digits) / 10 ** digits;

/** The part of the subject after `marker` (`worker:3` → "3", `…#lang:fr` → "fr"), or '?'. */
function subjectPart(alert: AlertRecord, marker: string): string {
  const at = alert.subject.lastIndexOf(marker);
  return at === -1 ? '?' : alert.subject.slice(at + marker.length);
}

/**
 * The title of an alert in the page's language, from its rule and figures: the rule is a stable code,
 * the server's `message` an English sentence kept as detail. `sourceLabel` names the source the alert
 * is about (its label as the health samples give it). A rule this page does not know keeps the
 * server's text.
 */
export function alertTitle(alert: AlertRecord, sourceLabel: (alert: AlertRecord) => string): string {
  const params: MessageParams = {};
  const rule: string = alert.rule;
  switch (alert.rule) {
    case 'source_down':
      Object.assign(params, { source: sourceLabel(alert), seconds: figure(alert.value, 1000) });
      break;
    case 'high_loss':
    case 'low_score':
      Object.assign(params, { source: sourceLabel(alert), value: figure(alert.value), threshold: figure(alert.threshold) });
      break;
    case 'interpreter_missing':
      params.language = subjectPart(alert, '#lang:');
      break;
    case 'hls_stalled':
      params.seconds = figure(alert.value, 1000);
      break;
    case 'disk_low':
      Object.assign(params, { free: figure(alert.value, 1e6, 0), min: figure(alert.threshold, 1e6, 0) });
      break;
    case 'worker_cpu':
      Object.assign(params, {
        worker: subjectPart(alert, 'worker:'),
        value: figure(alert.value, 1, 0),
        threshold: figure(alert.threshold, 1, 0),
      });
      break;
    case 'worker_died':
    case 'ports_exhausted':
      params.worker = subjectPart(alert, 'worker:');
      break;
    case 'webhook_disabled':
      params.count = figure(alert.value, 1, 0);
      break;
  }
  const key = `rule.${rule}`;
  return consoleAlerts.has(key) ? consoleAlerts.t(key, params) : alert.message;
}
