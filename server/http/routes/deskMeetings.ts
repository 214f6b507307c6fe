import { exportText } from '../../i18n/exportText';
import { requestLocale } from '../../i18n/requestLocale';
import type { Principal } from '../../auth/tokens';
import type { AgendaService } from '../../conference/AgendaService';
import type { Desk } from '../../desk/Desk';
import { meetingCalendar } from '../../desk/meetingCalendar';
import { matchmakingReport, reportCsv } from '../../desk/matchmakingReport';
import { type ApiRegistry, RawReply } from '../api';
import {
  AgreementParams,
  AnswerDeskRequestDto,
  CancelMeetingDto,
  MeetingParams,
  PublishSlotsDto,
  RecordAgreementDto,
  ReportQuery,
  RequestMeetingDto,
  SlotsQuery,
} from '../dto/desk';
import { EventParams } from '../params';
import { caller } from './deskParties';

/** Slots, meetings and their calendar, agreements and their announcement on air, the matchmaking report. */
export function registerDeskMeetingRoutes(api: ApiRegistry, { desk, agenda }: { desk: Desk; agenda: AgendaService }): void {
  const base = '/api/events/:eventId/desk';
  const delegate = (principal: Principal | null) => desk.parties.delegateOf(caller(principal));

  api.add({
    method: 'post',
    path: `${base}/slots`,
    operationId: 'publishSlots',
    summary: "Publish the caller's availability: slots at an on-site table or online",
    tag: 'desk',
    access: 'desk.participate',
    params: EventParams,
    body: PublishSlotsDto,
    status: 201,
    handler: async ({ body, principal }) => desk.meetings.publishSlots(await delegate(principal), body.slots),
  });
  api.add({
    method: 'get',
    path: `${base}/slots`,
    operationId: 'listSlots',
    summary: 'Published slots, each saying whether a meeting has taken it',
    tag: 'desk',
    access: 'event-read',
    params: EventParams,
    query: SlotsQuery,
    handler: ({ params, query }) => desk.meetings.listSlots(params.eventId, query.organisationId),
  });
  api.add({
    method: 'post',
    path: `${base}/meetings`,
    operationId: 'requestMeeting',
    summary: "Ask for a meeting in another organisation's slot",
    tag: 'desk',
    access: 'desk.participate',
    params: EventParams,
    body: RequestMeetingDto,
    status: 201,
    handler: async ({ body, principal }) =>
      desk.meetings.requestMeeting(await delegate(principal), body.slotId, body.note ?? '', body.about ?? null),
  });
  api.add({
    method: 'get',
    path: `${base}/meetings`,
    operationId: 'listMeetings',
    summary: "The meetings of the caller's organisation (a delegate), or every meeting of the event (host, admin)",
    tag: 'desk',
    access: 'desk.meetings',
    params: EventParams,
    handler: async ({ params, principal }) => {
      const who = caller(principal);
      return desk.meetings.listMeetings(params.eventId, who.role === 'delegate' ? await delegate(who) : null);
    },
  });
  api.add({
    method: 'post',
    path: `${base}/meetings/:meetingId/answer`,
    operationId: 'answerMeeting',
    summary: "Accept or decline a meeting request (the slot's organisation); 409 when accepting would double-book",
    tag: 'desk',
    access: 'desk.participate',
    params: MeetingParams,
    body: AnswerDeskRequestDto,
    handler: async ({ params, body, principal }) =>
      desk.meetings.answerMeeting(await delegate(principal), params.meetingId, body.action, body.note ?? ''),
  });
  api.add({
    method: 'post',
    path: `${base}/meetings/:meetingId/cancel`,
    operationId: 'cancelMeeting',
    summary: "Cancel a meeting with a note (either organisation's delegates, a host or an admin)",
    tag: 'desk',
    access: 'desk.meetings',
    params: MeetingParams,
    body: CancelMeetingDto,
    handler: async ({ params, body, principal }) => {
      const who = caller(principal);
      return desk.meetings.cancelMeeting(who, who.role === 'delegate' ? await delegate(who) : null, params.meetingId, body.note);
    },
  });
  api.add({
    method: 'get',
    path: `${base}/calendar.ics`,
    operationId: 'meetingCalendar',
    summary: "The caller's accepted meetings as an iCalendar file",
    tag: 'desk',
    access: 'desk.participate',
    params: EventParams,
    produces: ['text/calendar'],
    handler: async ({ params, principal, req }) => {
      const me = await delegate(principal);
      const [event, meetings, delegates, organisations] = await Promise.all([
        agenda.getEvent(params.eventId),
        desk.meetings.acceptedMeetingsOf(me),
        desk.parties.listDelegates(params.eventId),
        desk.parties.listOrganisations(params.eventId),
      ]);
      const ics = meetingCalendar(
        event.name,
        meetings,
        new Map(delegates.map((d) => [d.id, d])),
        new Map(organisations.map((o) => [o.id, o])),
        exportText(requestLocale(req, event.defaultLocale)),
      );
      return new RawReply('text/calendar; charset=utf-8', ics, `${params.eventId}-meetings.ics`);
    },
  });
  api.add({
    method: 'post',
    path: `${base}/agreements`,
    operationId: 'recordAgreement',
    summary: 'Record an agreement signed between a research team and a company about an achievement',
    tag: 'desk',
    access: 'desk.manage',
    params: EventParams,
    body: RecordAgreementDto,
    status: 201,
    handler: ({ params, body, principal }) => desk.agreements.recordAgreement(params.eventId, body, caller(principal)),
  });
  api.add({
    method: 'get',
    path: `${base}/agreements`,
    operationId: 'listAgreements',
    summary: "The event's agreements, in the order they were recorded",
    tag: 'desk',
    access: 'event-read',
    params: EventParams,
    handler: ({ params }) => desk.agreements.listAgreements(params.eventId),
  });
  api.add({
    method: 'post',
    path: `${base}/agreements/:agreementId/announce`,
    operationId: 'announceAgreement',
    summary: 'Put "Agreement signed: <team> × <company> — <achievement>" on air as the lower-third while its signing session is live',
    tag: 'desk',
    access: 'program.control',
    params: AgreementParams,
    handler: ({ params }) => desk.agreements.announceAgreement(params.eventId, params.agreementId),
  });
  api.add({
    method: 'get',
    path: `${base}/report`,
    operationId: 'matchmakingReport',
    summary: 'Views, interests, meetings requested and held, agreements: per achievement and per sector (JSON, or CSV with format=csv)',
    tag: 'desk',
    access: 'desk.manage',
    params: EventParams,
    query: ReportQuery,
    produces: ['application/json', 'text/csv'],
    handler: async ({ params, query, req }) => {
      const event = await agenda.getEvent(params.eventId);
      const report = await matchmakingReport(desk.store, params.eventId, desk.clock);
      const text = exportText(requestLocale(req, event.defaultLocale));
      return query.format === 'csv'
        ? new RawReply('text/csv; charset=utf-8', reportCsv(report, text), `${params.eventId}-matchmaking.csv`)
        : report;
    },
  });
}
