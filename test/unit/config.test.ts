import fs from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { ConfigError, DEV_JWT_SECRET, SETTINGS, describeConfig, jwtSecretOf, loadConfig } from '../../server/config';
import { clientAddress, compileProxyTrust } from '../../server/proxyTrust';

const METRICS_TOKEN = 'a-metrics-scrape-token';

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
    [{ TRUST_PROXY: 'yes' }, /^invalid configuration: TRUST_PROXY="yes" \(allowed: /],
    [{ TRUST_PROXY: '10.0.0.0/8, 10.1.0.1' }, /TRUST_PROXY=/],
    [{ TRUST_PROXY: '0' }, /TRUST_PROXY="0"/],
    [{ MAX_SOCKETS_PER_IP: '0' }, /MAX_SOCKETS_PER_IP="0"/],
    [{ SOCKET_CONNECT_TIMEOUT_MS: '10' }, /SOCKET_CONNECT_TIMEOUT_MS="10"/],
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
        () => loadConfig({ NODE_ENV: 'production', JWT_SECRET: secret, METRICS_TOKEN }),
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
    assert.equal(jwtSecretOf(loadConfig({ NODE_ENV: 'production', JWT_SECRET: generated, METRICS_TOKEN })), generated);
    assert.equal(jwtSecretOf(loadConfig({ NODE_ENV: 'development', JWT_SECRET: DEV_JWT_SECRET })), DEV_JWT_SECRET);
  });

  it('requires METRICS_TOKEN in production, in one line naming it', () => {
    const generated = 'q7Jx1v9Rk2pLw0ZsB4nYt6HcM8dFgA3eUoViKrSjNlQ';
    assert.throws(
      () => loadConfig({ NODE_ENV: 'production', JWT_SECRET: generated }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /^invalid configuration: METRICS_TOKEN is required in production \(allowed: [^\n]+\)$/);
        return true;
      },
    );
    assert.equal(loadConfig({ NODE_ENV: 'development' }).metricsToken, undefined, 'optional outside production');
  });

  it('never shows secrets when describing the config', () => {
    const secret = 's'.repeat(40);
    const described = JSON.stringify(describeConfig(loadConfig({ JWT_SECRET: secret, REDIS_URL: 'redis://:pw@host:6379' })));
    assert.doesNotMatch(described, new RegExp(secret));
    assert.doesNotMatch(described, /pw@host/);
  });

  it('documents every setting with its environment variable', () => {
    const settings = Object.entries(SETTINGS);
    const undocumented = settings
      .filter(([, s]) => !/^[A-Z][A-Z0-9_]*$/.test(s.env) || s.doc.trim() === '' || s.allowed.trim() === '')
      .map(([key]) => key);
    assert.deepEqual(undocumented, [], 'settings without a variable name, what is allowed or what it means');
    const envs = settings.map(([, s]) => s.env);
    assert.deepEqual(
      envs.filter((env, i) => envs.indexOf(env) !== i),
      [],
      'no variable used twice',
    );
  });
});

describe('TRUST_PROXY', () => {
  const request = (peer: string, forwardedFor?: string) => ({
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
    remoteAddress: peer,
  });
  const client = (setting: string, peer: string, forwardedFor?: string): string =>
    clientAddress(request(peer, forwardedFor), compileProxyTrust(loadConfig({ TRUST_PROXY: setting }).trustProxy));

  it('off (default): the TCP peer is the client, whatever X-Forwarded-For says', () => {
    assert.equal(loadConfig({}).trustProxy, 'off');
    assert.equal(client('off', '127.0.0.1', '203.0.113.9'), '127.0.0.1');
    assert.equal(client('off', '::ffff:192.0.2.4', '203.0.113.9'), '192.0.2.4', 'an IPv4-mapped peer counts as IPv4');
  });

  it('a hop count trusts that many proxies, and no more', () => {
    assert.equal(client('1', '10.0.0.5', '198.51.100.1, 203.0.113.9'), '203.0.113.9');
    assert.equal(client('2', '10.0.0.5', '198.51.100.1, 203.0.113.9'), '198.51.100.1');
    assert.equal(client('2', '10.0.0.5'), '10.0.0.5', 'no header: the peer');
  });

  it('a list trusts those proxies only: a client cannot pick its address by prepending to the header', () => {
    const setting = 'loopback,10.0.0.0/8';
    assert.equal(client(setting, '10.0.0.5', '203.0.113.9'), '203.0.113.9');
    assert.equal(client(setting, '10.0.0.5', '198.51.100.66, 203.0.113.9'), '203.0.113.9', 'forged entry left of the real client');
    assert.equal(client(setting, '127.0.0.1', '10.1.2.3, 203.0.113.9'), '203.0.113.9');
    assert.equal(client(setting, '192.0.2.4', '203.0.113.9'), '192.0.2.4', 'an untrusted peer names no one');
  });
});

describe('README configuration table', () => {
  /** The variables of the README's table under "## Configuration", one per row, in order. */
  function readmeVariables(): string[] {
    const readme = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('\n## Configuration\n'));
    const table = section.slice(section.indexOf('| variable |'));
    const rows = table
      .slice(0, table.search(/\n\s*\n/))
      .split('\n')
      .slice(2);
    return rows.map((row) => {
      const match = /^\| `([A-Z][A-Z0-9_]*)` \|/.exec(row);
      assert.ok(match, `a table row that names no variable: ${row}`);
      return match[1];
    });
  }

  it('has a row for every setting the config reads, and no row for a variable it does not read', () => {
    const documented = readmeVariables();
    const read = Object.values(SETTINGS).map((s) => s.env);
    assert.ok(documented.length > 0, 'the table was found');
    assert.deepEqual(
      read.filter((env) => !documented.includes(env)),
      [],
      'settings missing from the README table',
    );
    assert.deepEqual(
      documented.filter((env) => !read.includes(env)),
      [],
      'README rows for variables the config does not read',
    );
    assert.deepEqual(
      documented.filter((env, i) => documented.indexOf(env) !== i),
      [],
      'variables with two rows',
    );
  });
});
