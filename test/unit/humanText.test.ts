import assert from 'node:assert/strict';
import { cleanHumanText, selfChosenName, showsSomething } from '../../server/conference/humanText';
import { AppError } from '../../server/errors';

const refused = (name: string): boolean => {
  try {
    selfChosenName(name);
    return false;
  } catch (error) {
    return error instanceof AppError && error.code === 'bad_request';
  }
};

describe('text people read: names and questions', () => {
  it('normalises to NFC and removes control, bidi-override and invisible characters', () => {
    assert.equal(cleanHumanText('Cafe\u0301'), 'Café');
    assert.equal(cleanHumanText('\u202Egnp.exe Mei'), 'gnp.exe Mei');
    assert.equal(cleanHumanText('Li\u001b[31m Wei\u0000\u0007'), 'Li[31m Wei');
    assert.equal(cleanHumanText('a\u200Bb\u2060c\uFEFFd\u00ADe'), 'abcde');
    assert.equal(cleanHumanText('first line\nsecond\tline'), 'first line second line');
  });

  it('keeps zero-width joiners inside words and emoji, drops them at the ends', () => {
    assert.equal(cleanHumanText('\u200D👩\u200D🔬\u200C'), '👩\u200D🔬');
    assert.equal(cleanHumanText('می\u200Cخواهم'), 'می\u200Cخواهم');
  });

  it('finds text that shows nothing', () => {
    assert.equal(showsSomething(cleanHumanText('\u200B\u200B\u200D')), false);
    assert.equal(showsSomething(cleanHumanText(' \u202E ')), false);
    assert.equal(showsSomething(cleanHumanText('?')), true);
    assert.equal(showsSomething(cleanHumanText('王')), true);
  });

  it('refuses self-chosen names that show nothing or claim a staff role, and keeps ordinary ones', () => {
    for (const name of ['\u200B', 'Host (Moderator)', 'moderator', '[ADMIN] Li', 'Event staff', 'Official', '主持人', '张伟（管理员）']) {
      assert.ok(refused(name), name);
    }
    for (const name of ['Mei', 'Hosting Team Lead', 'Adminah', 'Wang Fang 王芳', 'Dr. José Álvarez']) {
      assert.ok(!refused(name), name);
    }
    assert.equal(selfChosenName('\u202E Ada\u0007 '), 'Ada');
  });
});
