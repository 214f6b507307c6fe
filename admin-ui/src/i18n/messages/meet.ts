import { defineCatalogue } from '../catalogue';

/** The online meeting room of two delegates. */
export const meet = defineCatalogue(
  {
    'page.title': 'stagecast · meeting',
    'page.name': 'Meeting',
    'tile.you': 'You',
    'tile.participant': 'Participant',
    'room.waiting': 'Waiting for the other side to join…',
    'state.inMeeting': 'In the meeting',
    'state.notInMeeting': 'Not in the meeting',
    'failure.notYours': "This room is for the meeting's delegates, at its time: {reason}.",
    'failure.noRoom': 'There is no room to join: {reason}.',
  },
  {
    'page.title': 'stagecast · 对接洽谈',
    'page.name': '对接洽谈',
    'tile.you': '我',
    'tile.participant': '参会者',
    'room.waiting': '等待对方加入…',
    'state.inMeeting': '洽谈中',
    'state.notInMeeting': '未在洽谈中',
    'failure.notYours': '此洽谈室仅供本场洽谈的代表在约定时间使用：{reason}。',
    'failure.noRoom': '没有可加入的洽谈室：{reason}。',
  },
);
