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
