import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { Catalogue, Message } from '../../../admin-ui/src/i18n/catalogue';
import { render } from '../../../admin-ui/src/i18n/catalogue';
import { compareNames, formatRelative, nameMatches } from '../../../admin-ui/src/i18n/format';
import { chooseLocale, LOCALES, localeOfTag } from '../../../admin-ui/src/i18n/locale';

const MESSAGES = path.join(__dirname, '../../../admin-ui/src/i18n/messages');

function isCatalogue(value: unknown): value is Catalogue<string> {
  return typeof value === 'object' && value !== null && 'messages' in value && 't' in value;
}

async function catalogues(): Promise<[string, Catalogue<string>][]> {
  const found: [string, Catalogue<string>][] = [];
  for (const file of readdirSync(MESSAGES).filter((name) => name.endsWith('.ts'))) {
    const module = (await import(path.join(MESSAGES, file))) as Record<string, unknown>;
    for (const [name, value] of Object.entries(module)) if (isCatalogue(value)) found.push([`${file}:${name}`, value]);
  }
  return found;
}

const forms = (message: Message): string[] => (typeof message === 'string' ? [message] : [message.one, message.other]);
const placeholders = (message: Message): string[] =>
  [...new Set(forms(message).flatMap((text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1])))].sort();

describe('page catalogues', () => {
  it('every key of every catalogue has a non-empty message in both languages, with the same placeholders', async () => {
    const all = await catalogues();
    assert.ok(all.length >= 1, 'no catalogue found');
    for (const [name, catalogue] of all) {
      const keys = Object.keys(catalogue.messages.en);
      for (const locale of LOCALES) {
        assert.deepEqual(Object.keys(catalogue.messages[locale]).sort(), [...keys].sort(), `${name}: the ${locale} keys`);
        for (const key of keys) {
          const message = catalogue.messages[locale][key];
          assert.ok(
            forms(message).every((text) => text.trim() !== ''),
            `${name}: ${locale} "${key}" is empty`,
          );
          assert.deepEqual(placeholders(message), placeholders(catalogue.messages.en[key]), `${name}: ${locale} "${key}" placeholders`);
        }
      }
    }
  });

  it('the Chinese messages are Chinese (no English sentence left untranslated)', async () => {
    for (const [name, catalogue] of await catalogues()) {
      for (const [key, message] of Object.entries(catalogue.messages['zh-CN'])) {
        for (const text of forms(message)) {
          const withoutPlaceholders = text.replace(/\{\w+\}/g, '');
          // A message may be a name or a code (e.g. "HLS", "OBS"); a sentence needs Chinese characters.
          if (/[a-z]{3,}\s+[a-z]{3,}/i.test(withoutPlaceholders))
            assert.match(withoutPlaceholders, /[\u3400-\u9fff]/, `${name}: zh-CN "${key}" reads "${text}"`);
        }
      }
    }
  });

  it('fills placeholders and picks plural forms by language', () => {
    const votes: Message = { one: '{count} vote', other: '{count} votes' };
    assert.equal(render(votes, 'en', { count: 1 }), '1 vote');
    assert.equal(render(votes, 'en', { count: 1200 }), '1,200 votes');
    assert.equal(render('{count} 票', 'zh-CN', { count: 1200 }), '1,200 票');
    assert.equal(render('Hello {name}', 'en', { name: '王芳' }), 'Hello 王芳');
  });
});

describe('choosing the page language', () => {
  it('the viewer’s choice, then the browser’s languages, then the event’s default, then English', () => {
    assert.equal(chooseLocale({ stored: 'en', browser: ['zh-CN'], eventDefault: 'zh-CN' }), 'en');
    assert.equal(chooseLocale({ stored: null, browser: ['zh-TW', 'en'], eventDefault: 'en' }), 'zh-CN');
    assert.equal(chooseLocale({ stored: 'klingon', browser: ['fr-FR', 'en-GB'] }), 'en');
    assert.equal(chooseLocale({ browser: ['ja', 'fr'], eventDefault: 'zh-CN' }), 'zh-CN');
    assert.equal(chooseLocale({ browser: ['ja'] }), 'en');
    assert.equal(localeOfTag('zh_Hans_CN'), 'zh-CN');
    assert.equal(localeOfTag('de'), undefined);
  });
});

describe('names in Chinese and English', () => {
  it('sorts Chinese names by pinyin and finds them by any part', () => {
    // 安 (ān) < 李 (lǐ) < 王 (wáng) < 张 (zhāng) in pinyin order; code points would give 安 张 李 王.
    const names = ['张伟', '王芳', '李娜', '安静'];
    assert.deepEqual(
      [...names].sort((a, b) => compareNames(a, b, 'zh-CN')),
      ['安静', '李娜', '王芳', '张伟'],
    );
    assert.deepEqual(
      ['bob', 'Alice', 'Émile'].sort((a, b) => compareNames(a, b, 'en')),
      ['Alice', 'bob', 'Émile'],
    );
    assert.ok(nameMatches('南阳理工大学', '大学'));
    assert.ok(nameMatches('Wang Fang', 'ＷＡＮＧ'));
    assert.ok(!nameMatches('Wang Fang', 'li'));
  });
});

describe('relative times', () => {
  it('say how far a moment is in the reader’s language, in the largest whole unit', () => {
    const now = Date.UTC(2026, 11, 3, 9, 0);
    assert.equal(formatRelative(now + 25 * 60_000, now, 'en'), 'in 25 minutes');
    assert.equal(formatRelative(now + 25 * 60_000, now, 'zh-CN'), '25分钟后');
    assert.equal(formatRelative(now - 2 * 3_600_000, now, 'en'), '2 hours ago');
    assert.equal(formatRelative(now + 86_400_000, now, 'zh-CN'), '明天');
  });
});
