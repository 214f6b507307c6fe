import { defineCatalogue } from '../catalogue';

/**
 * What the live pages share (watch, speak, interpreters', meeting, player): connection states, the
 * player's controls, language channels, and the failures the page itself detects (a camera refused,
 * an address that names no stage) rather than the server.
 */
export const live = defineCatalogue(
  {
    'state.connecting': 'Connecting…',
    'state.reconnecting': 'Reconnecting…',
    'state.live': 'Live',
    'state.noSource': 'No source on air',
    'state.notConnected': 'Not connected',
    'state.startingCamera': 'Starting camera…',
    'player.unmute': 'Unmute',
    'language.floorOriginal': 'Floor (original)',
    'language.floorIn': 'Floor — {language}',
    'language.unstaffed': '{language} (no interpreter yet)',
    'failure.noStage': 'This address names no stage.',
    'failure.noMeeting': 'This address names no meeting.',
    'failure.insecurePage':
      'Browsers allow the camera and microphone only on https pages (or localhost): open this page through an https address.',
    'failure.mediaUnavailable': 'The camera or microphone is unavailable ({reason}): allow them for this site and reload.',
    'failure.noMicrophone': 'No microphone was found.',
    'failure.notInterpreter': 'This link is not an interpreter’s: ask the host for a booth link.',
    'failure.hlsUnsupported': 'This browser cannot play the stream.',
    'failure.cannotSend': 'This browser cannot send sound or pictures to the stage.',
    'failure.unavailable': 'The server cannot be reached right now. Check your connection; the page keeps trying.',
    'failure.timeout': 'The server did not answer in time. Try again in a moment.',
    'failure.disconnected': 'The connection was lost. Try again once it is back.',
    'failure.rateLimited': 'Too many requests at once. Wait a moment, then try again.',
  },
  {
    'state.connecting': '正在连接…',
    'state.reconnecting': '正在重新连接…',
    'state.live': '直播中',
    'state.noSource': '暂无直播画面',
    'state.notConnected': '未连接',
    'state.startingCamera': '正在启动摄像头…',
    'player.unmute': '打开声音',
    'language.floorOriginal': '现场原声',
    'language.floorIn': '现场原声（{language}）',
    'language.unstaffed': '{language}（译员尚未就位）',
    'failure.noStage': '此地址未指向任何会场。',
    'failure.noMeeting': '此地址未指向任何会谈。',
    'failure.insecurePage': '浏览器只允许 https 页面（或本机地址）使用摄像头和麦克风，请通过 https 地址打开此页面。',
    'failure.mediaUnavailable': '无法使用摄像头或麦克风（{reason}）：请允许本网站使用后重新加载页面。',
    'failure.noMicrophone': '未找到麦克风。',
    'failure.notInterpreter': '此链接不是译员链接，请向主持人索取同传间链接。',
    'failure.hlsUnsupported': '此浏览器无法播放该直播流。',
    'failure.cannotSend': '此浏览器无法向会场发送声音或画面。',
    'failure.unavailable': '暂时无法连接服务器，请检查网络，页面会自动重试。',
    'failure.timeout': '服务器未及时响应，请稍后再试。',
    'failure.disconnected': '连接已断开，恢复后请重试。',
    'failure.rateLimited': '操作过于频繁，请稍候再试。',
  },
);
