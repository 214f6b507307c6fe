import { defineCatalogue } from '../catalogue';

/** The remote speaker's page. */
export const speak = defineCatalogue(
  {
    'page.title': 'stagecast · speaker',
    'page.name': 'Speaker',
    'state.onAir': 'On air',
    'state.notOnAir': 'Not on air',
    'share.start': 'Share screen',
    'share.stop': 'Stop sharing',
    'share.failed': 'Screen sharing did not start: {reason}',
    'failure.notSpeaker': 'This link does not let you speak on this stage: ask the host for a speaker link.',
  },
  {
    'page.title': 'stagecast · 嘉宾发言',
    'page.name': '嘉宾发言',
    'state.onAir': '正在直播',
    'state.notOnAir': '未在直播',
    'share.start': '共享屏幕',
    'share.stop': '停止共享',
    'share.failed': '屏幕共享未能开始：{reason}',
    'failure.notSpeaker': '此链接不能在本会场发言，请向主持人索取嘉宾发言链接。',
  },
);
