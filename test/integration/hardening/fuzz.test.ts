import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import v8 from 'node:v8';
import vm from 'node:vm';
import { io } from 'socket.io-client';
import { DEV_JWT_SECRET } from '../../../server/config';
import { ERROR_CODES, type ErrorCode, httpStatusOf } from '../../../server/errors';
import type { RouteSpec } from '../../../server/http/api';
import type { Stagecast } from '../../../server/Stagecast';
import type { HandRecord, SessionRecord } from '../../../server/store/records';
import { validateDto } from '../../../server/validation';
import { REQUEST_EVENTS } from '../../../signaling/contract';
import { ApiClient, ok } from '../../helpers/api';
import { forgedTokens } from '../../helpers/forgedTokens';
import { type FuzzIds, restBodies, socketBaselines } from '../../helpers/fuzz/baselines';
import { dtoSchemas } from '../../helpers/fuzz/mutate';
import { Prng, fuzzSeed } from '../../helpers/fuzz/prng';
import { RawHttp, type RawReply } from '../../helpers/fuzz/rawHttp';
import { type RestCase, restCase } from '../../helpers/fuzz/restCases';
import { snapshot, type StateSnapshot } from '../../helpers/fuzz/snapshot';
import { type SocketCase, socketCase } from '../../helpers/fuzz/socketCases';
import { type ClientSocket, connect, rawRequest, request, startStagecast, tokenFor } from '../../helpers/stagecast';

const REST_CASES = 5600;
const SOCKET_CASES = 4400;
const HANDSHAKES = 120;
const CODES: readonly string[] = ERROR_CODES;

/** Runs `work` over `items` with at most `concurrency` in flight. */
async function inPool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

/** What is wrong with a REST answer to a malformed request, or null: a 4xx JSON error of the taxonomy. */
function restProblem(reply: RawReply): string | null {
  if (reply.status < 400 || reply.status > 499) return `status ${reply.status}`;
  if (!reply.contentType.startsWith('application/json')) return `status ${reply.status} with content-type ${reply.contentType}`;
  let code: unknown;
  try {
    code = (JSON.parse(reply.text) as { error?: { code?: unknown } }).error?.code;
  } catch {
    return 'body is not JSON';
  }
  if (typeof code !== 'string' || !CODES.includes(code)) return `error code ${String(code)}`;
  // Headers over Node's limit are refused by its parser with 431 (and the same JSON body).
  const status = reply.status === 431 && code === 'payload_too_large' ? 413 : reply.status;
  if (httpStatusOf(code as ErrorCode) !== status) return `code ${code} with status ${reply.status}`;
  return null;
}

/** The JS heap in use once garbage is collected (what a leak would grow). */
function heapAfterGc(): number {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  gc();
  return process.memoryUsage().heapUsed;
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function workerRss(node: Stagecast): number {
  return node.workers.workers.reduce((sum, worker) => {
    try {
      const status = fs.readFileSync(`/proc/${worker.pid}/status`, 'utf8');
      return sum + Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    } catch {
      return sum;
    }
  }, 0);
}

class Tally {
  readonly byCode = new Map<string, number>();
  readonly problems: string[] = [];
  answered = 0;

  count(code: string): void {
    this.answered += 1;
    this.byCode.set(code, (this.byCode.get(code) ?? 0) + 1);
  }

  problem(text: string): void {
    this.problems.push(text);
  }

  summary(): string {
    return [...this.byCode.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([code, n]) => `${code} ${n}`)
      .join(', ');
  }
}

describe('Hostile input: a seeded fuzz of every socket event and every REST route', function () {
  this.timeout(120_000);
  const seed = fuzzSeed();
  let stagecast: Awaited<ReturnType<typeof startStagecast>>;
  let ids: FuzzIds;
  let routes: RouteSpec[];
  const sockets: ClientSocket[] = [];

  before(async () => {
    stagecast = await startStagecast({
      SOCKET_MAX_PAYLOAD_BYTES: String(1024 * 1024),
      SOCKET_REFUSAL_LIMIT: '100000',
      ALERT_WORKER_CPU_PERCENT: '100',
    });
    const api = new ApiClient(stagecast.url);
    const admin = api.as(tokenFor('admin'));
    const attendee = api.as(tokenFor('attendee'));
    const session = ok<SessionRecord>(
      await admin.post('/api/events/demo/sessions', {
        stageId: 'keynote',
        title: 'Fuzzed',
        kind: 'panel',
        speakerIds: [],
        plannedStart: '2033-01-01T09:00:00Z',
        plannedEnd: '2033-01-01T10:00:00Z',
      }),
      201,
    );
    ok(await admin.post(`/api/events/demo/sessions/${session.id}/start`));
    const question = ok<{ id: string }>(
      await attendee.post(`/api/events/demo/sessions/${session.id}/questions`, { text: 'Does it hold?' }),
      201,
    );
    ok(await admin.post(`/api/events/demo/sessions/${session.id}/questions/${question.id}/moderate`, { action: 'approve' }));
    ok(await api.as(tokenFor('speaker')).post(`/api/events/demo/sessions/${session.id}/questions/${question.id}/upvote`));
    const hand = ok<HandRecord>(await attendee.post(`/api/events/demo/sessions/${session.id}/hands`), 201);
    const speaker = ok<{ id: string }>(
      await admin.post('/api/events/demo/speakers', { name: 'Ada', title: 'Dr', organisation: 'Uni', presence: 'remote' }),
      201,
    );
    const achievement = ok<{ id: string }>(
      await admin.post('/api/events/demo/achievements', {
        title: 'A result',
        institution: 'Uni',
        field: 'physics',
        summary: '',
        contact: '',
        sessionId: null,
      }),
      201,
    );
    ids = { sessionId: session.id, questionId: question.id, handId: hand.id, speakerId: speaker.id, achievementId: achievement.id };
    routes = stagecast.node.api.routes;
  });

  after(async () => {
    for (const socket of sockets) socket.disconnect();
    await stagecast?.stop();
  });

  it(`answers ≥ 10,000 malformed requests with errors of the taxonomy and changes nothing (seed ${seed})`, async () => {
    console.log(`      fuzz seed ${seed} (replay with FUZZ_SEED=${seed})`);
    const rng = new Prng(seed);
    const schemas = dtoSchemas();
    const node = stagecast.node;

    // Every route the node serves is in the list (the OpenAPI document is generated from the same registry).
    const served = (await (await fetch(`${stagecast.url}/api/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const servedKeys = Object.entries(served.paths)
      .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`))
      .sort();
    assert.deepEqual(routes.map((r) => `${r.method} ${r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`).sort(), servedKeys);

    // The baselines are valid: every generated case is broken only by its mutation.
    const bodies = restBodies(ids);
    for (const route of routes) if (route.body) await validateDto(route.body, bodies[route.body.name]);
    sockets.push(await connect(stagecast.url, tokenFor('admin')), await connect(stagecast.url, tokenFor('host')));
    const [joined, idle] = sockets as [ClientSocket, ClientSocket];
    const { peerId } = await request(joined, 'join', { stageId: 'keynote' });
    const baselines = socketBaselines({ ...ids });
    const dtos = node.signaling.requestDtos;
    assert.deepEqual([...dtos.keys()].sort(), [...REQUEST_EVENTS].sort(), 'every request event has a DTO');
    for (const [event, dto] of dtos) await validateDto(dto, baselines[dto.name] ?? assert.fail(`no baseline for ${dto.name} (${event})`));

    const secret = DEV_JWT_SECRET;
    const forged = forgedTokens(secret, tokenFor('attendee'));
    const badAuthorizations: (string | null)[] = [
      null,
      'Bearer',
      'Basic YWRtaW46YWRtaW4=',
      `Bearer ${tokenFor('admin', 'elsewhere')}`,
      ...forged.map(([, t]) => `Bearer ${t}`),
    ];

    const before: StateSnapshot = snapshot(node);
    const heapBefore = heapAfterGc();
    const rssBefore = process.memoryUsage().rss;
    const workersBefore = workerRss(node);
    const started = Date.now();

    // Each case draws from its own generator, seeded from the run's: the same seed gives the same
    // cases whatever order the concurrent senders take them in, and no case is held in memory early.
    const caseSeeds = (n: number): number[] => Array.from({ length: n }, () => rng.int(2 ** 32));
    // REST: every route in turn, one input broken per request.
    const restInput = {
      // Desk ids name nothing: a well-formed case reaches the desk and finds nothing to change; keyId is
      // well formed, of no key (revoking it is 404 whatever the fuzz does to the rest).
      params: {
        eventId: 'demo',
        stageId: 'keynote',
        keyId: '0123456789abcdef',
        // Of no endpoint: changing or deleting it is 404 whatever the fuzz does to the rest.
        endpointId: '0123456789abcdef',
        deliveryId: randomUUID(),
        ...ids,
        interestId: randomUUID(),
        meetingId: randomUUID(),
        agreementId: randomUUID(),
      },
      bodies,
      schemas,
      authorization: `Bearer ${tokenFor('admin')}`,
      badAuthorizations,
    };
    const restCases = caseSeeds(REST_CASES).map(
      (caseSeed, i) => (): RestCase => restCase(new Prng(caseSeed), routes[i % routes.length], restInput),
    );
    // Sockets: every request event in turn, on a joined admin and on a host that joined nothing.
    const events = [...dtos.entries()];
    const idempotent = new Set(['unsubscribeSession']);
    const socketCases = caseSeeds(SOCKET_CASES).map((caseSeed, i) => (): [ClientSocket, SocketCase] => {
      const caseRng = new Prng(caseSeed);
      const [event, dto] = events[i % events.length];
      return [caseRng.chance(0.6) ? joined : idle, socketCase(caseRng, event, dto.name, { baselines, schemas, idempotent })];
    });

    const rest = new Tally();
    const http = new RawHttp(new URL(stagecast.url));
    const restRun = inPool(restCases, 12, async (make) => {
      const c = make();
      const reply = await http.send(c.request);
      const problem = restProblem(reply);
      if (problem)
        rest.problem(
          `${c.route.operationId} ${c.how}: ${problem} ${reply.text.slice(0, 160)} — ${c.request.method} ${c.request.path.slice(0, 120)} ${c.request.body?.subarray(0, 120).toString('latin1') ?? ''}`,
        );
      else rest.count((JSON.parse(reply.text) as { error: { code: string } }).error.code);
    });

    const socket = new Tally();
    const socketRun = inPool(socketCases, 16, async (make) => {
      const [client, c] = make();
      const response = await Promise.race([
        rawRequest(client, c.event, ...c.args),
        new Promise<null>((resolve) => setTimeout(() => resolve(null), 10_000)),
      ]);
      if (response === null) socket.problem(`${c.event} ${c.how}: no answer within 10 s`);
      else if (response.ok) socket.problem(`${c.event} ${c.how}: accepted ${JSON.stringify(c.args).slice(0, 200)}`);
      else if (!CODES.includes(response.error.code) || response.error.code === 'internal')
        socket.problem(`${c.event} ${c.how}: ${response.error.code} ${response.error.message}`);
      else socket.count(response.error.code);
    });
    await Promise.all([
      restRun.then(() => console.log(`      REST done after ${((Date.now() - started) / 1000).toFixed(1)} s`)),
      socketRun.then(() => console.log(`      socket done after ${((Date.now() - started) / 1000).toFixed(1)} s`)),
    ]);
    http.close();

    // Handshakes with no token, or one the server must refuse.
    const handshake = new Tally();
    const auths: unknown[] = [undefined, {}, { token: 42 }, { token: ['x'] }, { token: null }, ...forged.map(([, token]) => ({ token }))];
    await inPool(
      Array.from({ length: HANDSHAKES }, (_, i) => auths[i % auths.length]),
      6,
      async (auth) => {
        const client = io(stagecast.url, {
          auth: auth as Record<string, unknown>,
          transports: ['websocket'],
          reconnection: false,
          forceNew: true,
        });
        const outcome = await new Promise<string>((resolve) => {
          client.once('connect', () => resolve('connected'));
          client.once('connect_error', (error: Error & { data?: { code?: string } }) =>
            resolve(error.data?.code ?? `connect_error ${error.message}`),
          );
        });
        client.disconnect();
        if (outcome === 'unauthorized') handshake.count(outcome);
        else handshake.problem(`handshake ${JSON.stringify(auth)?.slice(0, 80)}: ${outcome}`);
      },
    );
    const seconds = (Date.now() - started) / 1000;
    const total = rest.answered + socket.answered + handshake.answered;
    const rssAfter = process.memoryUsage().rss;
    await new Promise((resolve) => setTimeout(resolve, 200));
    const heapAfter = heapAfterGc();
    console.log(`      ${total} malformed requests in ${seconds.toFixed(1)} s (seed ${seed})`);
    console.log(`      REST ${rest.answered} over ${routes.length} routes: ${rest.summary()}`);
    console.log(
      `      socket ${socket.answered} over ${events.length} events: ${socket.summary()}; handshakes ${handshake.answered}: ${handshake.summary()}`,
    );
    console.log(
      `      RSS of this process (the node and the fuzzing clients) ${mb(rssBefore)} → ${mb(rssAfter)}; JS heap after GC ${mb(heapBefore)} → ${mb(heapAfter)}; mediasoup workers ${mb(workersBefore)} → ${mb(workerRss(node))}`,
    );

    const problems = [...rest.problems, ...socket.problems, ...handshake.problems];
    assert.deepEqual(problems.slice(0, 15), [], `${problems.length} answers were not errors of the taxonomy (seed ${seed})`);
    assert.ok(total >= 10_000, `only ${total} requests were answered`);

    // Nothing changed, nothing was polluted, and the node still serves valid requests.
    assert.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype was polluted');
    assert.deepEqual(snapshot(node), before, 'no record, session, transport or consumer was created, changed or closed');
    assert.equal((await fetch(`${stagecast.url}/healthz`)).status, 200);
    assert.equal((await fetch(`${stagecast.url}/readyz`)).status, 200);
    ok(await new ApiClient(stagecast.url).as(tokenFor('admin')).get('/api/events/demo/stages/keynote'));
    assert.ok(await request(joined, 'getRouterRtpCapabilities', {}), 'a valid socket request still works afterwards');
    assert.notEqual((await request(idle, 'join', { stageId: 'release' })).peerId, peerId);
  });
});
