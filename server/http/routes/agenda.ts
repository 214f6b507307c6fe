import { isPlatformAdmin } from '../../auth/permissions';
import type { Conference } from '../../conference/Conference';
import type { ApiRegistry } from '../api';
import {
  AgendaQuery,
  CreateAchievementDto,
  CreateEventDto,
  CreateSessionDto,
  CreateSpeakerDto,
  CreateStageDto,
  UpdateAchievementDto,
  UpdateEventDto,
  UpdateSessionDto,
  UpdateSpeakerDto,
  UpdateStageDto,
} from '../dto/agenda';
import { AchievementParams, EventParams, SessionParams, SpeakerParams, StageParams } from '../params';
import { registerCrud } from './crud';
import type { AgendaDeskHooks } from './deskParties';

/**
 * Events, stages, speakers, achievements, sessions, and the agenda views. With `desk`, listing shows
 * each achievement's release and replay, reading one counts its viewer (the desk's report), and
 * deleting an event deletes the desk's records of it too.
 */
export function registerAgendaRoutes(api: ApiRegistry, { agenda }: Conference, desk?: AgendaDeskHooks): void {
  const base = '/api/events/:eventId';

  registerCrud(api, {
    name: 'Event',
    plural: 'Events',
    tag: 'agenda',
    listPath: '/api/events',
    itemPath: base,
    itemParams: EventParams,
    create: CreateEventDto,
    update: UpdateEventDto,
    read: 'event-read',
    write: 'event.manage',
    createAccess: 'platform',
    list: async ({ principal }) =>
      (await agenda.listEvents()).filter(
        (e) => e.isPublic || e.id === principal?.eventId || (principal !== null && isPlatformAdmin(principal)),
      ),
    get: ({ params }) => agenda.getEvent(params.eventId),
    add: ({ body }) => agenda.createEvent(body),
    change: ({ params, body }) => agenda.updateEvent(params.eventId, body),
    remove: async ({ params }) => {
      await agenda.getEvent(params.eventId);
      await desk?.eventDeleted(params.eventId);
      await agenda.deleteEvent(params.eventId);
    },
  });

  registerCrud(api, {
    name: 'Stage',
    plural: 'Stages',
    tag: 'agenda',
    listPath: `${base}/stages`,
    itemPath: `${base}/stages/:stageId`,
    listParams: EventParams,
    itemParams: StageParams,
    create: CreateStageDto,
    update: UpdateStageDto,
    read: 'event-read',
    write: 'agenda.manage',
    list: ({ params }) => agenda.listStages(params.eventId),
    get: ({ params }) => agenda.getStage(params.eventId, params.stageId),
    add: ({ params, body }) => agenda.createStage(params.eventId, body),
    change: ({ params, body }) => agenda.updateStage(params.eventId, params.stageId, body),
    remove: ({ params }) => agenda.deleteStage(params.eventId, params.stageId),
  });

  registerCrud(api, {
    name: 'Speaker',
    plural: 'Speakers',
    tag: 'agenda',
    listPath: `${base}/speakers`,
    itemPath: `${base}/speakers/:speakerId`,
    listParams: EventParams,
    itemParams: SpeakerParams,
    create: CreateSpeakerDto,
    update: UpdateSpeakerDto,
    read: 'event-read',
    write: 'agenda.manage',
    list: ({ params }) => agenda.listSpeakers(params.eventId),
    get: ({ params }) => agenda.getSpeaker(params.eventId, params.speakerId),
    add: ({ params, body }) => agenda.createSpeaker(params.eventId, body),
    change: ({ params, body }) => agenda.updateSpeaker(params.eventId, params.speakerId, body),
    remove: ({ params }) => agenda.deleteSpeaker(params.eventId, params.speakerId),
  });

  registerCrud(api, {
    name: 'Achievement',
    plural: 'Achievements',
    tag: 'agenda',
    listPath: `${base}/achievements`,
    itemPath: `${base}/achievements/:achievementId`,
    listParams: EventParams,
    itemParams: AchievementParams,
    create: CreateAchievementDto,
    update: UpdateAchievementDto,
    read: 'event-read',
    write: 'agenda.manage',
    list: ({ params, principal }) => desk?.list(params.eventId, principal) ?? agenda.listAchievements(params.eventId),
    get: async ({ params, principal }) => {
      const achievement = await agenda.getAchievement(params.eventId, params.achievementId);
      await desk?.viewed(params.eventId, achievement.id, principal);
      return achievement;
    },
    add: ({ params, body }) => agenda.createAchievement(params.eventId, body),
    change: ({ params, body }) => agenda.updateAchievement(params.eventId, params.achievementId, body),
    remove: ({ params }) => agenda.deleteAchievement(params.eventId, params.achievementId),
  });

  registerCrud(api, {
    name: 'Session',
    plural: 'Sessions',
    tag: 'agenda',
    listPath: `${base}/sessions`,
    itemPath: `${base}/sessions/:sessionId`,
    listParams: EventParams,
    itemParams: SessionParams,
    create: CreateSessionDto,
    update: UpdateSessionDto,
    read: 'event-read',
    write: 'agenda.manage',
    list: ({ params }) => agenda.listSessions(params.eventId),
    get: ({ params }) => agenda.getSession(params.eventId, params.sessionId),
    add: ({ params, body }) => agenda.createSession(params.eventId, body),
    change: ({ params, body }) => agenda.updateSession(params.eventId, params.sessionId, body),
    remove: ({ params }) => agenda.deleteSession(params.eventId, params.sessionId),
  });

  api.add({
    method: 'get',
    path: `${base}/agenda`,
    operationId: 'listAgenda',
    summary: 'The agenda in time order, with speakers and achievements',
    tag: 'agenda',
    access: 'event-read',
    params: EventParams,
    query: AgendaQuery,
    handler: ({ params, query }) => agenda.agenda(params.eventId, query.stageId),
  });

  api.add({
    method: 'get',
    path: `${base}/stages/:stageId/now`,
    operationId: 'getCurrentAndNextSession',
    summary: 'The live session of a stage and the next one',
    tag: 'agenda',
    access: 'event-read',
    params: StageParams,
    handler: ({ params }) => agenda.nowAndNext(params.eventId, params.stageId),
  });
}
