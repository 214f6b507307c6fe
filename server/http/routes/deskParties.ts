import { type PlaybackTokens, playbackQuery } from '../../auth/playbackTokens';
import type { Principal } from '../../auth/tokens';
import type { AgendaService } from '../../conference/AgendaService';
import type { EventDirectory } from '../../conference/EventDirectory';
import { achievementsWithRelease, recordAchievementView } from '../../desk/achievementViews';
import type { Desk } from '../../desk/Desk';
import { AppError } from '../../errors';
import type { ApiRegistry } from '../api';
import {
  AcceptInviteDto,
  AnswerDeskRequestDto,
  CreateNeedDto,
  CreateOrganisationDto,
  ExpressInterestDto,
  InterestParams,
  InviteDelegateDto,
} from '../dto/desk';
import { EventParams } from '../params';

export function caller(principal: Principal | null): Principal {
  if (!principal) throw new AppError('unauthorized', 'missing bearer token');
  return principal;
}

/**
 * Where the agenda's routes meet the desk: listing shows each achievement's release and replay, reading
 * one counts its viewer, and deleting an event deletes what the desk holds for it.
 */
export interface AgendaDeskHooks {
  list(eventId: string, principal: Principal | null): Promise<unknown>;
  viewed(eventId: string, achievementId: string, principal: Principal | null): Promise<void>;
  eventDeleted(eventId: string): Promise<void>;
}

export function agendaDeskHooks(desk: Desk, agenda: AgendaService, playback: PlaybackTokens): AgendaDeskHooks {
  return {
    eventDeleted: (eventId) => desk.forgetEvent(eventId),
    async list(eventId, principal) {
      const event = await agenda.getEvent(eventId);
      return achievementsWithRelease(desk.store, eventId, playbackQuery(playback, event, principal) ?? '');
    },
    async viewed(eventId, achievementId, principal) {
      // The audience the desk serves: staff opening an achievement while preparing the fair is no interest.
      if (principal && (principal.role === 'delegate' || principal.role === 'attendee')) {
        await recordAchievementView(desk.store, eventId, achievementId, principal.id, desk.clock);
      }
    },
  };
}

/** Organisations, invites, delegates, needs, suggestions and interests. */
export function registerDeskPartyRoutes(
  api: ApiRegistry,
  { desk, agenda, events }: { desk: Desk; agenda: AgendaService; events: EventDirectory },
): void {
  const base = '/api/events/:eventId/desk';
  const delegate = (principal: Principal | null) => desk.parties.delegateOf(caller(principal));

  api.add({
    method: 'post',
    path: `${base}/organisations`,
    operationId: 'createOrganisation',
    summary: 'Add an organisation (university, institute, enterprise, investor, service agency, government)',
    tag: 'desk',
    access: 'desk.manage',
    params: EventParams,
    body: CreateOrganisationDto,
    status: 201,
    handler: async ({ params, body }) => {
      await agenda.getEvent(params.eventId);
      return desk.parties.createOrganisation(params.eventId, body);
    },
  });
  api.add({
    method: 'get',
    path: `${base}/organisations`,
    operationId: 'listOrganisations',
    summary: "The event's organisations",
    tag: 'desk',
    access: 'event-read',
    params: EventParams,
    handler: ({ params }) => desk.parties.listOrganisations(params.eventId),
  });
  api.add({
    method: 'post',
    path: `${base}/invites`,
    operationId: 'inviteDelegate',
    summary: 'Invite a delegate of an organisation: a single-use link that expires (the code is shown once)',
    tag: 'desk',
    access: 'desk.manage',
    params: EventParams,
    body: InviteDelegateDto,
    status: 201,
    handler: ({ params, body, principal }) => desk.parties.inviteDelegate(params.eventId, body, caller(principal)),
  });
  api.add({
    method: 'post',
    path: `${base}/invites/accept`,
    operationId: 'acceptInvite',
    summary: "Accept an invite (once, before it expires): the delegate's profile and access token",
    tag: 'desk',
    access: 'anyone',
    params: EventParams,
    body: AcceptInviteDto,
    status: 201,
    handler: async ({ params, body }) => {
      // A private event exists only for whoever holds a valid code of it; to others it is an unknown one.
      if (!(await desk.parties.hasInvite(params.eventId, body.code))) await events.visibleEvent(params.eventId, null);
      return desk.parties.acceptInvite(params.eventId, body.code);
    },
  });
  api.add({
    method: 'get',
    path: `${base}/delegates/me`,
    operationId: 'getMyDelegate',
    summary: 'The calling delegate and their organisation',
    tag: 'desk',
    access: 'desk.participate',
    params: EventParams,
    handler: async ({ principal }) => {
      const me = await delegate(principal);
      return { delegate: me, organisation: await desk.parties.organisation(me.eventId, me.organisationId) };
    },
  });
  api.add({
    method: 'post',
    path: `${base}/needs`,
    operationId: 'createNeed',
    summary: 'Post a technology need (a delegate of an enterprise or investor)',
    tag: 'desk',
    access: 'desk.participate',
    params: EventParams,
    body: CreateNeedDto,
    status: 201,
    handler: async ({ body, principal }) => desk.needs.createNeed(await delegate(principal), body),
  });
  api.add({
    method: 'get',
    path: `${base}/needs`,
    operationId: 'listNeeds',
    summary: "The event's technology needs, soonest wanted first",
    tag: 'desk',
    access: 'event-read',
    params: EventParams,
    handler: ({ params }) => desk.needs.listNeeds(params.eventId),
  });
  api.add({
    method: 'get',
    path: `${base}/matches`,
    operationId: 'suggestMatches',
    summary: 'Achievements and needs for the calling delegate, best first, each with the reasons of its score',
    tag: 'desk',
    access: 'desk.participate',
    params: EventParams,
    handler: async ({ principal }) => desk.matchmaking.suggestMatches(await delegate(principal)),
  });
  api.add({
    method: 'post',
    path: `${base}/interests`,
    operationId: 'expressInterest',
    summary: 'Express interest in an achievement or a need (once per delegate and target)',
    tag: 'desk',
    access: 'desk.participate',
    params: EventParams,
    body: ExpressInterestDto,
    status: 201,
    handler: async ({ body, principal }) => desk.matchmaking.expressInterest(await delegate(principal), body.target, body.note ?? ''),
  });
  api.add({
    method: 'get',
    path: `${base}/interests`,
    operationId: 'listInterests',
    summary: "Interests the caller's organisation received and those the caller sent",
    tag: 'desk',
    access: 'desk.participate',
    params: EventParams,
    handler: async ({ principal }) => desk.matchmaking.listInterests(await delegate(principal)),
  });
  api.add({
    method: 'post',
    path: `${base}/interests/:interestId/answer`,
    operationId: 'answerInterest',
    summary: 'Accept or decline an interest (delegates of the owning organisation only)',
    tag: 'desk',
    access: 'desk.participate',
    params: InterestParams,
    body: AnswerDeskRequestDto,
    handler: async ({ params, body, principal }) =>
      desk.matchmaking.answerInterest(await delegate(principal), params.interestId, body.action, body.note ?? ''),
  });
}
