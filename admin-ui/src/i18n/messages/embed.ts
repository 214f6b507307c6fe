import { defineCatalogue } from '../catalogue';

/** The player partner platforms embed. */
export const embed = defineCatalogue(
  {
    'page.title': 'stagecast · player',
    'screen.connecting': 'Connecting to the stage…',
    'screen.private': 'This stream is not public.',
    'screen.cannotPlay': 'The stream cannot be played: {reason}',
  },
  {
    'page.title': 'stagecast · 播放器',
    'screen.connecting': '正在连接直播…',
    'screen.private': '此直播流不公开。',
    'screen.cannotPlay': '无法播放直播流：{reason}',
  },
);
