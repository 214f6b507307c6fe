import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import { type Action, PERMISSIONS } from '../../../server/auth/permissions';
import { ROLES, type Role } from '../../../server/auth/tokens';
import { DEV_JWT_SECRET } from '../../../server/config';
import type { QuestionView } from '../../../server/conference/ConferenceBus';
import type { RouteSpec } from '../../../server/http/api';
import type { HandRecord, SessionRecord, StageRecord } from '../../../server/store/records';
import { ApiClient, failed, type Method, notRefused, ok } from '../../helpers/api';
import { startStagecast, tokenFor } from '../../helpers/stagecast';

const ROUTES_DIR = path.join(__dirname, '../../../server/http/routes');
const DEMO_STAGE_NAME = 'Main hall — keynotes';

function isAction(value: string): value is Action {
  return Object.prototype.hasOwnProperty.call(PERMISSIONS, value);
}

/** Every access value the route files declare (`access: '…'`, and `read:`/`write:` of the CRUD helper). */
function accessValuesInRouteFiles(): Set<string> {
  const values = new Set<string>();
  for (const file of fs.readdirSync(ROUTES_DIR).filter((f) => f.endsWith('.ts'))) {
    const text = fs.readFileSync(path.join(ROUTES_DIR, file), 'utf8');
    for (const match of text.matchAll(/\b(?:access|read|write):\s*'([^']+)'/g)) values.add(match[1]);
  }
  return values;
}

/** A request body each body DTO accepts: validation runs before the access check, so a sweep needs valid input. */
const VALID_BODIES: Record<string, unknown> = {
  CreateEventDto: { id: 'never-created', name: 'Never created', isPublic: true, timezone: 'UTC' },
  UpdateEventDto: {},
  JoinEventDto: {},
  CreateStageDto: { id: 'never-created', name: 'Never created' },
  UpdateStageDto: {},
  CreateSpeakerDto: { name: 'Nobody', title: '', organisation: '', presence: 'remote' },
  UpdateSpeakerDto: {},
  CreateAchievementDto: { title: 'Nothing', institution: 'None', field: 'none', summary: '', contact: '', sessionId: null },
  UpdateAchievementDto: {},
  CreateSessionDto: {
    stageId: 'keynote',
    title: 'Never',
    kind: 'speech',
    speakerIds: [],
    plannedStart: '2040-01-01T09:00:00Z',
    plannedEnd: '2040-01-01T10:00:00Z',
  },
  UpdateSessionDto: {},
  SetProgramDto: { sourceId: null },
  SubmitQuestionDto: { text: 'Never asked' },
  ModerateQuestionDto: { action: 'approve' },
  AnswerHandDto: { action: 'accept' },
  IngestDto: {},
  CreateStreamKeyDto: { label: 'Permission walk' },
  JoinDto: {},
  CreateOrganisationDto: { name: 'Walk University', kind: 'university' },
  InviteDelegateDto: { organisationId: randomUUID(), name: 'Nobody' },
  AcceptInviteDto: { code: 'A'.repeat(43) },
  CreateNeedDto: { title: 'Nothing', sector: 'none', problem: 'None', budgetMin: 0, budgetMax: 0, currency: 'CNY', wantedBy: '2040-01-01' },
  ExpressInterestDto: { target: { kind: 'achievement', id: randomUUID() } },
  AnswerDeskRequestDto: { action: 'accept' },
  PublishSlotsDto: { slots: [{ start: '2040-01-01T09:00:00Z', end: '2040-01-01T09:30:00Z', mode: 'online' }] },
  RequestMeetingDto: { slotId: randomUUID() },
  CancelMeetingDto: { note: 'Never' },
  RecordAgreementDto: { achievementId: randomUUID(), companyOrganisationId: randomUUID(), type: 'licence' },
  // A throwaway token of the demo event: revoking it (when a role may) affects no caller of the sweep.
  RevokeTokenDto: { token: tokenFor('speaker', 'demo', 'Throwaway') },
  CreateApiKeyDto: { role: 'host', label: 'Throwaway' },
  // Valid as a request; the server refuses the loopback target itself (ALLOW_PRIVATE_WEBHOOK_TARGETS is off).
  CreateWebhookEndpointDto: { url: 'http://127.0.0.1:9/hook' },
  UpdateWebhookEndpointDto: {},
};

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('REST access: the permission table, route by route', function () {
  this.timeout(30_000);
  let stagecast: Awaited<ReturnType<typeof startStagecast>>;
  let anonymous: ApiClient;
  let routes: RouteSpec[];
  /** Values for the path parameters of routes on the public demo event and on a private one. */
  let demo: Record<string, string>;
  let closed: Record<string, string>;

  const as = (role: Role, eventId = 'demo'): ApiClient => anonymous.as(tokenFor(role, eventId));

  function fill(routePath: string, values: Record<string, string>): string {
    return routePath.replace(/:([A-Za-z0-9_]+)/g, (_all, name: string) => {
      const value = values[name];
      assert.ok(value, `no value for path parameter ${name} of ${routePath}`);
      return value;
    });
  }

  function bodyOf(route: RouteSpec): unknown {
    if (!route.body) return undefined;
    assert.ok(route.body.name in VALID_BODIES, `add a valid ${route.body.name} to VALID_BODIES for ${route.operationId}`);
    return VALID_BODIES[route.body.name];
  }

  function callRoute(client: ApiClient, route: RouteSpec, values: Record<string, string>): ReturnType<ApiClient['call']> {
    return client.call(route.method, fill(route.path, values), bodyOf(route));
  }

  const actionRoutes = (): (RouteSpec & { access: Action })[] =>
    routes.filter((r): r is RouteSpec & { access: Action } => isAction(r.access));

  before(async () => {
    stagecast = await startStagecast();
    anonymous = new ApiClient(stagecast.url);
    routes = stagecast.node.api.routes;
    const admin = as('admin');

    // Demo event: a live session with an approved question and a raised hand; the keynote stage's feed open.
    const session = ok<SessionRecord>(
      await admin.post('/api/events/demo/sessions', {
        stageId: 'keynote',
        title: 'Permission walk',
        kind: 'panel',
        speakerIds: [],
        plannedStart: '2033-01-01T09:00:00Z',
        plannedEnd: '2033-01-01T10:00:00Z',
      }),
      201,
    );
    ok(await admin.post(`/api/events/demo/sessions/${session.id}/start`));
    const question = ok<QuestionView>(
      await as('attendee').post(`/api/events/demo/sessions/${session.id}/questions`, { text: 'Who may do what?' }),
      201,
    );
    ok(await admin.post(`/api/events/demo/sessions/${session.id}/questions/${question.id}/moderate`, { action: 'approve' }));
    const hand = ok<HandRecord>(await as('attendee').post(`/api/events/demo/sessions/${session.id}/hands`), 201);
    ok(await admin.post('/api/events/demo/stages/keynote/ingest', {}), 201);
    demo = {
      eventId: 'demo',
      stageId: 'keynote',
      sessionId: session.id,
      questionId: question.id,
      handId: hand.id,
      speakerId: randomUUID(),
      achievementId: randomUUID(),
      interestId: randomUUID(),
      meetingId: randomUUID(),
      agreementId: randomUUID(),
      keyId: '0123456789abcdef',
      endpointId: '0123456789abcdef',
      deliveryId: randomUUID(),
    };

    // A private event with a stage and a session.
    ok(await as('admin', '*').post('/api/events', { id: 'closed', name: 'Closed-door meeting', isPublic: false, timezone: 'UTC' }), 201);
    const closedAdmin = as('admin', 'closed');
    ok(await closedAdmin.post('/api/events/closed/stages', { id: 'room', name: 'Room' }), 201);
    const closedSession = ok<SessionRecord>(
      await closedAdmin.post('/api/events/closed/sessions', {
        stageId: 'room',
        title: 'Behind doors',
        kind: 'signing',
        speakerIds: [],
        plannedStart: '2033-01-01T09:00:00Z',
        plannedEnd: '2033-01-01T10:00:00Z',
      }),
      201,
    );
    const closedQuestion = ok<QuestionView>(
      await as('attendee', 'closed').post(`/api/events/closed/sessions/${closedSession.id}/questions`, { text: 'Off the record?' }),
      201,
    );
    closed = {
      eventId: 'closed',
      stageId: 'room',
      sessionId: closedSession.id,
      questionId: closedQuestion.id,
      handId: randomUUID(),
      speakerId: randomUUID(),
      achievementId: randomUUID(),
      interestId: randomUUID(),
      meetingId: randomUUID(),
      agreementId: randomUUID(),
      keyId: '0123456789abcdef',
      endpointId: '0123456789abcdef',
      deliveryId: randomUUID(),
    };
  });

  after(async () => {
    await stagecast.stop();
  });

  /**
   * One request per action, as each role. `status` is what an allowed role gets in the state `before`
   * prepared (each request can be repeated: it changes nothing another one depends on).
   */
  const representative: Partial<Record<Action, { method: Method; path: () => string; body?: unknown; status: number }>> = {
    'event.manage': {
      method: 'patch',
      path: () => '/api/events/demo',
      body: { name: 'Tech Achievement Fair — Demo', isPublic: true, timezone: 'UTC' },
      status: 200,
    },
    'agenda.manage': { method: 'patch', path: () => '/api/events/demo/stages/keynote', body: { name: DEMO_STAGE_NAME }, status: 200 },
    'program.control': { method: 'post', path: () => `/api/events/demo/sessions/${demo.sessionId}/start`, status: 200 },
    'question.submit': {
      method: 'post',
      path: () => `/api/events/demo/sessions/${demo.sessionId}/questions`,
      body: { text: 'May I ask?' },
      status: 201,
    },
    'question.vote': {
      method: 'post',
      path: () => `/api/events/demo/sessions/${demo.sessionId}/questions/${demo.questionId}/upvote`,
      status: 200,
    },
    'question.moderate': {
      method: 'post',
      path: () => `/api/events/demo/sessions/${demo.sessionId}/questions/${demo.questionId}/moderate`,
      body: { action: 'approve' },
      status: 200,
    },
    'hand.raise': { method: 'post', path: () => `/api/events/demo/sessions/${demo.sessionId}/hands`, status: 201 },
    'hand.viewQueue': { method: 'get', path: () => `/api/events/demo/sessions/${demo.sessionId}/hands`, status: 200 },
    'hand.answer': {
      method: 'post',
      path: () => `/api/events/demo/sessions/${demo.sessionId}/hands/${demo.handId}/answer`,
      body: { action: 'accept' },
      status: 200,
    },
    'stage.ingest': { method: 'post', path: () => '/api/events/demo/stages/keynote/ingest', body: { videoCodec: 'VP8' }, status: 201 },
    'stage.inspect': { method: 'get', path: () => '/api/events/demo/stages/keynote/media', status: 200 },
    'stage.watch': { method: 'get', path: () => '/api/events/demo/stages/keynote/placement', status: 200 },
    'health.view': { method: 'get', path: () => '/api/health', status: 200 },
    'desk.manage': {
      method: 'post',
      path: () => '/api/events/demo/desk/organisations',
      body: { name: 'Walk University', kind: 'university' },
      status: 201,
    },
    // A delegate token whose delegate the store does not know: the role passes, the desk finds nobody.
    'desk.participate': { method: 'get', path: () => '/api/events/demo/desk/matches', status: 404 },
    // No such meeting: a host learns it, and so does a delegate (after the desk finds no such delegate).
    'desk.meetings': {
      method: 'post',
      path: () => `/api/events/demo/desk/meetings/${randomUUID()}/cancel`,
      body: { note: 'Never' },
      status: 404,
    },
    'token.revoke': {
      method: 'post',
      path: () => '/api/events/demo/tokens/revocations',
      body: { token: tokenFor('speaker', 'demo', 'Throwaway') },
      status: 201,
    },
    'apikey.manage': { method: 'get', path: () => '/api/events/demo/api-keys', status: 200 },
    'webhook.manage': { method: 'get', path: () => '/api/events/demo/webhooks', status: 200 },
  };

  it('the representative requests cover every action a REST route uses, as the route files declare them', () => {
    const fromRegistry = new Set(actionRoutes().map((r) => r.access));
    const fromFiles = accessValuesInRouteFiles();
    for (const value of fromFiles)
      assert.ok(isAction(value) || value === 'event-read' || value === 'anyone', `unknown access value '${value}' in a route file`);
    assert.deepEqual(
      [...fromRegistry].sort(),
      [...fromFiles].filter(isAction).sort(),
      'the registry and the route files name the same actions',
    );
    assert.deepEqual(Object.keys(representative).sort(), [...fromRegistry].sort());
    assert.ok(routes.length >= 30, `only ${routes.length} routes registered`);
  });

  describe('each action, as each role', () => {
    for (const [action, request] of Object.entries(representative) as [Action, NonNullable<(typeof representative)[Action]>][]) {
      const allowed = PERMISSIONS[action] as readonly Role[];
      const who = allowed.length === ROLES.length ? 'every role' : `${allowed.join(', ')} and 403 to the others`;
      it(`${action}: ${request.method.toUpperCase()} answers ${request.status} to ${who}`, async () => {
        for (const role of ROLES) {
          const reply = await as(role).call(request.method, request.path(), request.body);
          if (allowed.includes(role)) {
            notRefused(reply);
            ok(reply, request.status);
          } else {
            assert.match(failed(reply, 403, 'forbidden').message, new RegExp(role));
          }
        }
      });
    }

    it('the walk changed nothing a refused role asked for, and kept the demo event and stage intact', async () => {
      assert.equal(ok<StageRecord>(await anonymous.get('/api/events/demo/stages/keynote')).name, DEMO_STAGE_NAME);
      const event = ok<{ isPublic: boolean; name: string }>(await anonymous.get('/api/events/demo'));
      assert.deepEqual([event.isPublic, event.name], [true, 'Tech Achievement Fair — Demo']);
      const hands = ok<HandRecord[]>(await as('moderator').get(`/api/events/demo/sessions/${demo.sessionId}/hands`));
      assert.deepEqual(
        hands.map((h) => h.status).sort(),
        ['accepted', 'raised', 'raised'],
        'the first hand accepted, plus one from the attendee and one from the speaker',
      );
    });
  });

  it('every route guarded by an action refuses the roles outside it with 403, whatever the route', async () => {
    let checked = 0;
    for (const route of actionRoutes()) {
      for (const role of ROLES.filter((r) => !(PERMISSIONS[route.access] as readonly Role[]).includes(r))) {
        failed(await callRoute(as(role), route, demo), 403, 'forbidden');
        checked++;
      }
    }
    assert.ok(checked > 40, `only ${checked} refusals checked`);
  });

  it('every route guarded by an action answers 401 without a token', async () => {
    for (const route of actionRoutes()) {
      assert.match(failed(await callRoute(anonymous, route, demo), 401, 'unauthorized').message, /token/, route.operationId);
    }
  });

  it('every read of a private event answers 404 without a token and with a token of another event; a token of the event reads', async () => {
    const reads = routes.filter((r) => r.access === 'event-read' && r.path.includes(':eventId'));
    assert.ok(reads.length >= 10, `only ${reads.length} event reads`);
    for (const route of reads) {
      assert.equal(failed(await callRoute(anonymous, route, closed), 404, 'not_found').message, 'no event closed', route.operationId);
      assert.equal(failed(await callRoute(as('admin', 'demo'), route, closed), 404, 'not_found').message, 'no event closed');
    }
    // The same reads with a token of the event are not refused (unknown ids may still answer 404).
    for (const route of reads) notRefused(await callRoute(as('attendee', 'closed'), route, closed));
    for (const route of reads) notRefused(await callRoute(anonymous, route, demo));
  });

  it('every route answers a private event exactly as an unknown one to whoever holds no token of it', async () => {
    const ofEvent = routes.filter((r) => r.path.includes(':eventId'));
    const ghost = { ...closed, eventId: 'ghost' };
    for (const client of [anonymous, as('admin', 'demo'), as('attendee', 'demo')]) {
      for (const route of ofEvent) {
        const hidden = await callRoute(client, route, closed);
        const unknown = await callRoute(client, route, ghost);
        assert.equal(hidden.status, unknown.status, route.operationId);
        assert.equal(JSON.stringify(hidden.body).replaceAll('closed', 'ghost'), JSON.stringify(unknown.body), route.operationId);
      }
    }
  });

  it('every route of an event refuses a token of another event with 403, even an admin’s', async () => {
    const guarded = actionRoutes().filter((r) => r.path.includes(':eventId'));
    for (const route of guarded) {
      assert.match(
        failed(await callRoute(as('admin', 'elsewhere'), route, demo), 403, 'forbidden').message,
        /another event/,
        route.operationId,
      );
    }
    assert.equal(ok<StageRecord>(await anonymous.get('/api/events/demo/stages/keynote')).name, DEMO_STAGE_NAME);
  });

  describe('forged and broken tokens answer 401', () => {
    const now = () => Math.floor(Date.now() / 1000);
    const adminClaims = () => ({ role: 'admin', event: 'demo', name: 'Mallory', sub: randomUUID(), iss: 'stagecast' });
    const forged: [string, () => string][] = [
      ['an expired token', () => jwt.sign({ ...adminClaims(), iat: now() - 120, exp: now() - 60 }, DEV_JWT_SECRET, { algorithm: 'HS256' })],
      [
        'a tampered token (attendee payload swapped for admin, signature kept)',
        () => {
          const [header, , signature] = tokenFor('attendee').split('.');
          return `${header}.${base64url({ ...adminClaims(), exp: now() + 600 })}.${signature}`;
        },
      ],
      ['an alg "none" token', () => `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ ...adminClaims(), exp: now() + 600 })}.`],
      [
        'a token signed with another secret',
        () => jwt.sign({ ...adminClaims(), exp: now() + 600 }, 'z'.repeat(48), { algorithm: 'HS256' }),
      ],
      ['a token signed with HS512', () => jwt.sign({ ...adminClaims(), exp: now() + 600 }, DEV_JWT_SECRET, { algorithm: 'HS512' })],
      [
        'a token of another issuer',
        () => jwt.sign({ ...adminClaims(), iss: 'someone-else', exp: now() + 600 }, DEV_JWT_SECRET, { algorithm: 'HS256' }),
      ],
      [
        'a token with an unknown role',
        () => jwt.sign({ ...adminClaims(), role: 'root', exp: now() + 600 }, DEV_JWT_SECRET, { algorithm: 'HS256' }),
      ],
      ['a string that is no JWT', () => 'not.a.jwt'],
    ];

    for (const [what, make] of forged) {
      it(`${what}`, async () => {
        const client = anonymous.as(make());
        failed(await client.patch('/api/events/demo/stages/keynote', { name: 'Owned' }), 401, 'unauthorized');
        failed(await client.get(`/api/events/demo/sessions/${demo.sessionId}/hands`), 401, 'unauthorized');
        failed(await client.get('/api/events/demo/agenda'), 401, 'unauthorized');
        assert.equal(ok<StageRecord>(await anonymous.get('/api/events/demo/stages/keynote')).name, DEMO_STAGE_NAME);
      });
    }

    it('an Authorization header that is not "Bearer <token>"', async () => {
      for (const header of ['Basic YWRtaW46YWRtaW4=', 'Bearer', `Token ${tokenFor('admin')}`]) {
        failed(await anonymous.withAuthorization(header).patch('/api/events/demo/stages/keynote', { name: 'Owned' }), 401, 'unauthorized');
      }
    });

    it('the same requests with a valid admin token succeed (the forgeries were refused for their flaws)', async () => {
      const client = as('admin');
      ok(await client.patch('/api/events/demo/stages/keynote', { name: DEMO_STAGE_NAME }));
      ok(await client.get(`/api/events/demo/sessions/${demo.sessionId}/hands`));
      ok(await client.get('/api/events/demo/agenda'));
    });
  });
});
