import { useEffect, useState } from 'preact/hooks';
import type { AgendaItem, HandRecord } from '../../../../signaling/contract';
import { failureCode } from '../../lib/failureText';
import { request, type StageSocket } from '../../lib/signaling';
import { useConnected, useSocketEvent } from '../../live/hooks';
import { TrackVideo } from '../../live/TrackVideo';
import type { HandMediaState, HandPublisher } from '../HandPublisher';

interface HandCardProps {
  socket: StageSocket;
  session: AgendaItem | null;
  publisher: HandPublisher;
}

/** Raise a hand to speak; once a moderator accepts, the camera and microphone go to the stage. */
export function HandCard({ socket, session, publisher }: HandCardProps) {
  const connected = useConnected(socket);
  const [hand, setHand] = useState<HandRecord | null>(null);
  const [media, setMedia] = useState<{ state: HandMediaState; error: Error | null }>({ state: publisher.state, error: null });
  const [note, setNote] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => publisher.subscribe((state, error) => setMedia({ state, error })), [publisher]);
  // A new session starts with no hand; whatever was published for the last one stops.
  useEffect(() => {
    setHand(null);
    setNote(null);
    if (publisher.state !== 'off') void publisher.stop();
  }, [session?.id]);

  const follow = (next: HandRecord): void => {
    if (next.sessionId !== session?.id) return;
    if (next.status === 'lowered') {
      setHand(null);
      void publisher.stop();
      return;
    }
    setHand(next);
    if (next.status === 'accepted') void publisher.start();
  };
  // After a reload the participant (same token) may already have a hand up: the subscription answers it.
  useEffect(() => {
    if (!session) return;
    let current = true;
    request(socket, 'subscribeSession', { sessionId: session.id }).then(
      (result) => {
        const own = result.hands.find((h) => h.status !== 'lowered');
        if (current && own) follow(own);
      },
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [session?.id]);

  useSocketEvent(socket, 'handUpdated', (next) => {
    if (next.status === 'lowered' && hand?.id === next.id && hand.status !== 'lowered') setNote('Your hand was lowered.');
    follow(next);
  });

  const act = async (what: 'raiseHand' | 'lowerHand'): Promise<void> => {
    if (!session) return;
    setBusy(true);
    setNote(null);
    try {
      follow(await request(socket, what, { sessionId: session.id }));
    } catch (error) {
      const code = error instanceof Error ? failureCode(error) : undefined;
      setNote(
        code === 'forbidden'
          ? 'Your access does not include raising a hand.'
          : code === 'conflict'
            ? 'This session is over.'
            : 'That did not work; try again in a moment.',
      );
    } finally {
      setBusy(false);
    }
  };

  if (!session) return null;
  const accepted = hand?.status === 'accepted';
  const stream = publisher.stream;
  return (
    <section
      class={`hand-card${accepted ? ' accepted' : ''}`}
      aria-label="Speak in the hall"
      data-hand-state={hand?.status ?? 'none'}
      data-media-state={media.state}
    >
      {accepted && stream && (
        <div class="self-view">
          <TrackVideo track={stream.getVideoTracks()[0] ?? null} mirror label="Your camera" />
        </div>
      )}
      <div class="hand-text">
        {!hand && <p>Want to speak in the hall? Raise your hand and a moderator will bring you in.</p>}
        {hand?.status === 'raised' && (
          <p>
            <strong>Your hand is raised.</strong> A moderator will let you speak.
          </p>
        )}
        {accepted && media.state === 'starting' && <p>You may speak: starting your camera and microphone…</p>}
        {accepted && media.state === 'on-air' && (
          <p>
            <strong>You are connected to the hall.</strong> The host puts you on screen.
          </p>
        )}
        {accepted && media.state === 'failed' && (
          <p class="hand-problem">
            Your camera or microphone could not start ({media.error?.message ?? 'unknown error'}). Allow them for this site, then try again.
          </p>
        )}
        {note && <p class="hand-note">{note}</p>}
      </div>
      <div class="hand-actions">
        {!hand && (
          <button type="button" id="raise-hand" disabled={busy || !connected} onClick={() => void act('raiseHand')}>
            Raise hand
          </button>
        )}
        {accepted && media.state === 'failed' && (
          <button type="button" disabled={busy} onClick={() => void publisher.start()}>
            Try again
          </button>
        )}
        {hand && (
          <button type="button" id="lower-hand" class="secondary" disabled={busy || !connected} onClick={() => void act('lowerHand')}>
            {accepted ? 'Stop speaking' : 'Lower hand'}
          </button>
        )}
      </div>
    </section>
  );
}
