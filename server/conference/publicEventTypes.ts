/**
 * What the front page (`GET /`) shows an anonymous visitor: the public events of this node, their
 * stages and what is on them. Types only, with no runtime imports: the browser app imports them.
 */
import type { ContentLocale, ContentTranslations, SessionKind } from '../store/records';

export interface PublicSessionView {
  id: string;
  title: string;
  translations?: ContentTranslations;
  kind: SessionKind;
  plannedStart: string;
  plannedEnd: string;
  /** Speakers' names, in the session's order. */
  speakers: string[];
}

export interface PublicStageView {
  id: string;
  name: string;
  translations?: ContentTranslations;
  /** The session live on the stage now, or null: off air. */
  live: PublicSessionView | null;
  /** The next scheduled session still to come (or running late), or null. */
  next: PublicSessionView | null;
  /** Viewers joined to the stage on this node. */
  viewers: number;
}

export interface PublicEventView {
  id: string;
  name: string;
  translations?: ContentTranslations;
  defaultLocale?: ContentLocale;
  timezone: string;
  stages: PublicStageView[];
}

export interface PublicEventsView {
  events: PublicEventView[];
}
