import fs from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { ConfigError, DEV_JWT_SECRET, SETTINGS, describeConfig, jwtSecretOf, loadConfig } from '../../server/config';

describe('config', () => {
  it('has documented defaults that boot the embedded setup', () => {
    const config = loadConfig({});
    assert.equal(config.port, 3000);
    assert.equal(config.store, 'sqlite');
    assert.equal(config.sqlitePath, './data/stagecast.db');
    assert.ok(config.mediasoupNumWorkers >= 1);
    assert.equal(jwtSecretOf(config), DEV_JWT_SECRET);
  });

  it('reads and converts every kind of value', () => {
    const config = loadConfig({ PORT: '8080', STORE: 'redis', SEED_DEMO: 'false', RTC_MIN_PORT: '20000', RTC_MAX_PORT: '20099' });
    assert.equal(config.port, 8080);
    assert.equal(config.store, 'redis');
    assert.equal(config.seedDemo, false);
    assert.equal(config.rtcMaxPort, 20099);
  });

  const refusals: [Record<string, string>, RegExp][] = [
    [{ PORT: '70000' }, /^invalid configuration: PORT="70000" \(allowed: /],
    [{ PORT: '3.5' }, /PORT="3.5"/],
    [{ STORE: 'postgres' }, /^invalid configuration: STORE="postgres" \(allowed: sqlite \| redis\)$/],
    [{ SEED_DEMO: 'yes' }, /SEED_DEMO="yes" \(allowed: true \| false\)/],
    [{ HTTP_BODY_LIMIT: 'lots' }, /HTTP_BODY_LIMIT="lots"/],
    [{ RTC_MIN_PORT: '50000', RTC_MAX_PORT: '40000' }, /RTC_MIN_PORT="50000"/],
    [{ MEDIASOUP_NUM_WORKERS: '0' }, /MEDIASOUP_NUM_WORKERS="0"/],
    [{ NODE_ENV: 'production' }, /JWT_SECRET=\(hidden\)/],
  ];
  for (const [env, message] of refusals) {
    it(`refuses ${JSON.stringify(env)} in one line`, () => {
      assert.throws(
        () => loadConfig(env),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError);
          assert.match(error.message, message);
          assert.doesNotMatch(error.message, /\n/);
          return true;
        },
      );
    });
  }

  const weakSecrets: [string, RegExp][] = [
    [DEV_JWT_SECRET, /development secret/],
    [DEV_JWT_SECRET.toUpperCase(), /development secret/],
    ['a'.repeat(40), /repeated/],
    ['secret'.repeat(6), /repeated/],
    ['changeme'.repeat(4), /repeated/],
    ['0123456789'.repeat(4), /repeated/],
    ['abab-abab-abab-abab-abab-abab-abab-abab-abab', /fewer than 10 different characters/],
    ['changeme-before-going-live-on-friday-night', /placeholder "changeme"/],
  ];
  for (const [secret, reason] of weakSecrets) {
    it(`refuses a weak JWT_SECRET in production (${reason.source}) in one line, without the value`, () => {
      assert.throws(
        () => loadConfig({ NODE_ENV: 'production', JWT_SECRET: secret }),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError);
          assert.match(error.message, /^invalid configuration: JWT_SECRET=\(hidden\) is refused in production: /);
          assert.match(error.message, reason);
          assert.doesNotMatch(error.message, /\n/);
          assert.ok(!error.message.includes(secret));
          return true;
        },
      );
    });
  }

  it('accepts a generated secret in production, and the development one outside it', () => {
    const generated = 'q7Jx1v9Rk2pLw0ZsB4nYt6HcM8dFgA3eUoViKrSjNlQ';
    assert.equal(jwtSecretOf(loadConfig({ NODE_ENV: 'production', JWT_SECRET: generated })), generated);
    assert.equal(jwtSecretOf(loadConfig({ NODE_ENV: 'development', JWT_SECRET: DEV_JWT_SECRET })), DEV_JWT_SECRET);
  });

  it('never shows secrets when describing the config', () => {
    const secret = 's'.repeat(40);
    const described = JSON.stringify(describeConfig(loadConfig({ JWT_SECRET: secret, REDIS_URL: 'redis://:pw@host:6379' })));
    assert.doesNotMatch(described, new RegExp(secret));
    assert.doesNotMatch(described, /pw@host/);
  });

  it('documents every setting with its environment variable', () => {
    const envs = Object.values(SETTINGS).map((s) => s.env);
    assert.equal(new Set(envs).size, envs.length, 'no variable used twice');
  });
});

describe('README configuration table', () => {
  it('documents every environment variable the config reads', () => {
    const readme = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
    const missing = Object.values(SETTINGS)
      .map((s) => s.env)
      .filter((env) => !readme.includes(`| \`${env}\` |`));
    assert.deepEqual(missing, []);
  });
});
