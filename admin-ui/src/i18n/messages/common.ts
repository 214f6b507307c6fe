import { defineCatalogue } from '../catalogue';

/** What every page says: the language menu and the sentences for failures the server reports by code. */
export const common = defineCatalogue(
  {
    'locale.label': 'Language of the page',
    'lowerThird.agreementSigned': 'Agreement signed: {team} × {company} — {achievement}',
    'kind.keynote': 'Keynote',
    'kind.achievementRelease': 'Achievement release',
    'kind.speech': 'Speech',
    'kind.report': 'Report',
    'kind.panel': 'Panel',
    'kind.signing': 'Signing ceremony',
    'failure.unauthorized': 'Your access link has expired or was withdrawn: ask whoever gave it to you for a new one.',
    'failure.forbidden': 'You are not allowed on this stage.',
    'failure.notFoundPublic': 'This event does not exist or is not open to the public: open it with the access link you were given.',
    'failure.notFound': 'This event or stage does not exist.',
    'failure.rateLimited': 'Too many people are joining from your network right now. Try again in a minute.',
    'failure.fatal': 'Cannot continue: {message}',
    'failure.other': 'Something went wrong: {message}',
  },
  {
    'locale.label': '页面语言',
    'lowerThird.agreementSigned': '签约：{team} × {company} — {achievement}',
    'kind.keynote': '主旨演讲',
    'kind.achievementRelease': '成果发布',
    'kind.speech': '致辞',
    'kind.report': '报告',
    'kind.panel': '圆桌讨论',
    'kind.signing': '签约仪式',
    'failure.unauthorized': '您的访问链接已过期或已被撤销，请向提供链接的人索取新链接。',
    'failure.forbidden': '您无权进入此会场。',
    'failure.notFoundPublic': '此活动不存在或不对公众开放，请使用您收到的访问链接打开。',
    'failure.notFound': '此活动或会场不存在。',
    'failure.rateLimited': '您所在网络当前加入的人数过多，请一分钟后再试。',
    'failure.fatal': '无法继续：{message}',
    'failure.other': '出现问题：{message}',
  },
);
