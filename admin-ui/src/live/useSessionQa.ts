import { useEffect, useState } from 'preact/hooks';
import type { HandRecord, QuestionView } from '../../../signaling/contract';
import { failureText } from '../lib/failureText';
import { request, RequestError, type StageSocket } from '../lib/signaling';
import { useSocketEvent } from './hooks';

export interface SessionQa {
  questions: ReadonlyMap<string, QuestionView>;
  /** The open hands (raised or accepted); null when this role may not see the queue. */
  hands: ReadonlyMap<string, HandRecord> | null;
  subscribed: boolean;
  /** Why the subscription failed, in the page's language (worded at each render, so a change of language shows). */
  error: string | null;
  /** Applies a question the server answered with (acks come before, or instead of, the push). */
  apply(question: QuestionView): void;
  applyHand(hand: HandRecord): void;
}

/** How long a page waits before subscribing again after an `unavailable` answer. */
const RESUBSCRIBE_MS = 2000;

/**
 * One session's questions and raised hands, live: subscribes (again after every reconnection, since
 * rooms do not survive one), then follows the pushes. Works for moderators (everything) and attendees
 * (published questions; their own hand).
 */
export function useSessionQa(socket: StageSocket, sessionId: string | null): SessionQa {
  const [questions, setQuestions] = useState<ReadonlyMap<string, QuestionView>>(new Map());
  const [hands, setHands] = useState<ReadonlyMap<string, HandRecord> | null>(null);
  const [subscribed, setSubscribed] = useState(false);
  const [error, setError] = useState<Error | null>(null);

  useEffect(() => {
    setQuestions(new Map());
    setHands(null);
    setSubscribed(false);
    setError(null);
    if (!sessionId) return;
    let current = true;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const subscribe = (): void => {
      request(socket, 'subscribeSession', { sessionId }).then(
        (result) => {
          if (!current) return;
          setQuestions(new Map(result.questions.map((q) => [q.id, q])));
          setHands(new Map(result.hands.map((h) => [h.id, h])));
          setSubscribed(true);
          setError(null);
        },
        (failure: unknown) => {
          if (!current) return;
          setSubscribed(false);
          const code = failure instanceof RequestError ? failure.code : null;
          // Disconnected: the next 'connect' subscribes again.
          if (code === 'disconnected') return;
          setError(failure instanceof Error ? failure : new Error(String(failure)));
          // The server's "try again shortly" (busy, or its store briefly away): ask again while shown.
          if (code === 'unavailable') retry = setTimeout(subscribe, RESUBSCRIBE_MS);
        },
      );
    };
    const dropped = (): void => setSubscribed(false);
    socket.on('connect', subscribe);
    socket.on('disconnect', dropped);
    if (socket.connected) subscribe();
    return () => {
      current = false;
      clearTimeout(retry);
      socket.off('connect', subscribe);
      socket.off('disconnect', dropped);
      if (socket.connected) request(socket, 'unsubscribeSession', { sessionId }).catch(() => undefined);
    };
  }, [socket, sessionId]);

  const apply = (question: QuestionView): void => {
    if (question.sessionId !== sessionId) return;
    // A push does not say `mine` (it goes to everyone): keep what this participant's own answers said.
    setQuestions((map) => new Map(map).set(question.id, map.get(question.id)?.mine === true ? { ...question, mine: true } : question));
  };
  const applyHand = (hand: HandRecord): void => {
    if (hand.sessionId !== sessionId) return;
    setHands((map) => {
      const next = new Map(map ?? []);
      if (hand.status === 'lowered') next.delete(hand.id);
      else next.set(hand.id, hand);
      return next;
    });
  };
  useSocketEvent(socket, 'questionUpdated', apply);
  useSocketEvent(socket, 'questionRemoved', ({ sessionId: from, questionId }) => {
    if (from !== sessionId) return;
    setQuestions((map) => {
      const next = new Map(map);
      next.delete(questionId);
      return next;
    });
  });
  useSocketEvent(socket, 'handUpdated', applyHand);

  return { questions, hands, subscribed, error: error ? failureText(error) : null, apply, applyHand };
}

/** Pinned first, then most votes, then oldest: the order the room should hear them in. */
export function byPriority(a: QuestionView, b: QuestionView): number {
  return (
    Number(b.pinned) - Number(a.pinned) ||
    b.votes - a.votes ||
    Date.parse(a.createdAt) - Date.parse(b.createdAt) ||
    a.id.localeCompare(b.id)
  );
}

/** Oldest first: the moderation queue is first come, first served. */
export function byAge(a: QuestionView, b: QuestionView): number {
  return Date.parse(a.createdAt) - Date.parse(b.createdAt) || a.id.localeCompare(b.id);
}
