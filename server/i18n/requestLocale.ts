import type { Request } from 'express';
import type { ContentLocale } from '../store/records';

/**
 * The page language a request asks for, for what the server writes for people (calendar files, CSV
 * exports): its Accept-Language (the pages send their chosen language there), else the event's default,
 * else English. Any Chinese tag reads as zh-CN: the pages have one Chinese.
 */
export function requestLocale(req: Request, eventDefault?: ContentLocale): ContentLocale {
  if (req.headers['accept-language'] === undefined) return eventDefault ?? 'en';
  const best = req.acceptsLanguages('zh-CN', 'zh', 'en');
  if (best === 'zh-CN' || best === 'zh') return 'zh-CN';
  if (best === 'en') return 'en';
  return eventDefault ?? 'en';
}
