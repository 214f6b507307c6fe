// Prints a signed access token: npm run token -- --role host --event demo [--name "Ada"] [--ttl 3600] [--stage keynote]
// An interpreter (one booth): npm run token -- --role interpreter --event demo --stage keynote --language en
// A platform administrator (creates events, administers all): npm run token -- --role admin --event '*'
import { parseArgs } from 'node:util';
import { EVERY_EVENT } from '../server/auth/permissions';
import { ROLES, createTokenSigner, isRole } from '../server/auth/tokens';
import { ConfigError, jwtSecretOf, loadConfig } from '../server/config';
import { LANGUAGE_TAG } from '../server/validation';

function main(): number {
  const { values } = parseArgs({
    options: {
      role: { type: 'string' },
      event: { type: 'string' },
      name: { type: 'string' },
      ttl: { type: 'string' },
      stage: { type: 'string' },
      language: { type: 'string' },
    },
    strict: true,
  });
  const usage = `usage: npm run token -- --role <${ROLES.join('|')}> --event <eventId> [--name N] [--ttl seconds] [--stage stageId] [--language tag]\n  a speaker token needs --stage: it publishes on that stage only\n  an interpreter token needs --stage and --language (e.g. en, zh-Hans): it publishes into that booth only\n  --event '*' (admin only): a platform administrator, who creates events`;
  const platformMisuse = values.event === EVERY_EVENT && values.role !== 'admin';
  const interpreterMisuse = values.role === 'interpreter' && (!values.stage || !values.language || !LANGUAGE_TAG.test(values.language));
  if (!isRole(values.role) || !values.event || (values.role === 'speaker' && !values.stage) || platformMisuse || interpreterMisuse) {
    process.stderr.write(`${usage}\n`);
    return 2;
  }
  const config = loadConfig();
  if (!config.jwtSecret) process.stderr.write('warning: JWT_SECRET is not set; signing with the development secret\n');
  const ttl = values.ttl === undefined ? config.tokenTtlSeconds : Number(values.ttl);
  if (!Number.isInteger(ttl) || ttl <= 0) {
    process.stderr.write(`--ttl must be a positive integer, got ${values.ttl}\n`);
    return 2;
  }
  // Servers refuse a longer-lived token at verification anyway; refusing here says why at once.
  if (ttl > config.tokenMaxTtlSeconds) {
    process.stderr.write(`--ttl ${ttl} is beyond TOKEN_MAX_TTL_SECONDS (${config.tokenMaxTtlSeconds}); servers would refuse the token\n`);
    return 2;
  }
  const signer = createTokenSigner(jwtSecretOf(config), ttl, config.tokenMaxTtlSeconds);
  const claims = { role: values.role, eventId: values.event, name: values.name, stageId: values.stage, language: values.language };
  process.stdout.write(`${signer.sign(claims)}\n`);
  return 0;
}

try {
  process.exitCode = main();
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError || error instanceof TypeError ? error.message : String(error)}\n`);
  process.exitCode = 2;
}
