import { AppError } from '../errors';
import type { AgendaItem } from './agendaTypes';
import type { AgendaService } from './AgendaService';
import type { PublicEventsView, PublicEventView, PublicSessionView } from './publicEventTypes';

/** Viewers joined to a stage (`eventId/stageId`) on this node; the composition root wires it to the SFU. */
export type ViewersOf = (stageKey: string) => number;

function sessionView(item: AgendaItem): PublicSessionView {
  return {
    id: item.id,
    title: item.title,
    translations: item.translations,
    kind: item.kind,
    plannedStart: item.plannedStart,
    plannedEnd: item.plannedEnd,
    speakers: item.speakers.map((s) => s.name),
  };
}

/**
 * The public events of this node with each stage's live session, its next one and its viewers: what
 * the front page shows anyone. Private events are left out whoever asks.
 */
export async function listPublicEvents(agenda: AgendaService, viewersOf: ViewersOf, now: Date = new Date()): Promise<PublicEventsView> {
  const events = (await agenda.listEvents()).filter((event) => event.isPublic).sort((a, b) => a.name.localeCompare(b.name));
  const views = await Promise.all(events.map((event) => publicEvent(agenda, viewersOf, event.id, now)));
  return { events: views.filter((view): view is PublicEventView => view !== null) };
}

async function publicEvent(agenda: AgendaService, viewersOf: ViewersOf, eventId: string, now: Date): Promise<PublicEventView | null> {
  try {
    const [event, stages, items] = await Promise.all([agenda.getEvent(eventId), agenda.listStages(eventId), agenda.agenda(eventId)]);
    // Read again: the event may have been made private since it was listed.
    if (!event.isPublic) return null;
    return {
      id: event.id,
      name: event.name,
      translations: event.translations,
      defaultLocale: event.defaultLocale,
      timezone: event.timezone,
      stages: stages.map((stage) => {
        const onStage = items.filter((item) => item.stageId === stage.id);
        const live = onStage.find((item) => item.status === 'live') ?? null;
        // Still to come, or late: a scheduled session whose planned end has not passed.
        const next =
          onStage.find(
            (item) =>
              item.status === 'scheduled' &&
              Date.parse(item.plannedEnd) > now.getTime() &&
              (!live || Date.parse(item.plannedStart) >= Date.parse(live.plannedStart)),
          ) ?? null;
        return {
          id: stage.id,
          name: stage.name,
          translations: stage.translations,
          live: live && sessionView(live),
          next: next && sessionView(next),
          viewers: viewersOf(`${event.id}/${stage.id}`),
        };
      }),
    };
  } catch (error) {
    // Deleted while the page was being put together: it is simply no longer listed.
    if (error instanceof AppError && error.code === 'not_found') return null;
    throw error;
  }
}
