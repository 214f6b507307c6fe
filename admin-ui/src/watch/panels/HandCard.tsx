import { useEffect, useState } from 'preact/hooks';
import type { AgendaItem, HandRecord } from '../../../../signaling/contract';
import { watchPanels } from '../../i18n/messages/watchPanels';
import { useLocale } from '../../i18n/preact';
import { failureCode, failureText } from '../../lib/failureText';
import { PageFailure } from '../../lib/pageFailure';
import { request, type StageSocket } from '../../lib/signaling';
import { useConnected, useSocketEvent } from '../../live/hooks';
import { TrackVideo } from '../../live/TrackVideo';
import type { HandMediaState, HandPublisher } from '../HandPublisher';

type HandNote = 'hand.lowered' | 'hand.forbidden' | 'hand.sessionOver' | 'hand.failed';

/** Why the camera or microphone did not start: the page's own sentence for what it knows, else the browser's words. */
function mediaFailureText(error: Error | null): string {
  if (error instanceof PageFailure) return failureText(error);
  return watchPanels.t('hand.mediaFailed', { error: error?.message || watchPanels.t('hand.unknownError') });
}

interface HandCardProps {
  socket: StageSocket;
  session: AgendaItem | null;
  publisher: HandPublisher;
}

/** Raise a hand to speak; once a moderator accepts, the camera and microphone go to the stage. */
export function HandCard({ socket, session, publisher }: HandCardProps) {
  useLocale();
  const connected = useConnected(socket);
  const [hand, setHand] = useState<HandRecord | null>(null);
  const [media, setMedia] = useState<{ state: HandMediaState; error: Error | null }>({ state: publisher.state, error: null });
  const [note, setNote] = useState<HandNote | null>(null);
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
    if (next.status === 'lowered' && hand?.id === next.id && hand.status !== 'lowered') setNote('hand.lowered');
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
      setNote(code === 'forbidden' ? 'hand.forbidden' : code === 'conflict' ? 'hand.sessionOver' : 'hand.failed');
    } finally {
      setBusy(false);
    }
  };

  if (!session) return null;
  const accepted = hand?.status === 'accepted';
  const raised = hand?.status === 'raised';
  // What the accepted hand's camera and microphone are doing.
  const starting = accepted && media.state === 'starting';
  const onAir = accepted && media.state === 'on-air';
  const mediaFailed = accepted && media.state === 'failed';
  const stream = publisher.stream;
  return (
    <section
      class={`hand-card${accepted ? ' accepted' : ''}`}
      aria-label={watchPanels.t('hand.label')}
      data-hand-state={hand?.status ?? 'none'}
      data-media-state={media.state}
    >
      {accepted && stream && (
        <div class="self-view">
          <TrackVideo track={stream.getVideoTracks()[0] ?? null} mirror label={watchPanels.t('hand.camera')} />
        </div>
      )}
      <div class="hand-text">
        {!hand && <p>{watchPanels.t('hand.invite')}</p>}
        {raised && (
          <p>
            <strong>{watchPanels.t('hand.raised')}</strong> {watchPanels.t('hand.raisedNext')}
          </p>
        )}
        {starting && <p>{watchPanels.t('hand.starting')}</p>}
        {onAir && (
          <p>
            <strong>{watchPanels.t('hand.connected')}</strong> {watchPanels.t('hand.connectedNext')}
          </p>
        )}
        {mediaFailed && <p class="hand-problem">{mediaFailureText(media.error)}</p>}
        {note && <p class="hand-note">{watchPanels.t(note)}</p>}
      </div>
      <div class="hand-actions">
        {!hand && (
          <button type="button" id="raise-hand" disabled={busy || !connected} onClick={() => void act('raiseHand')}>
            {watchPanels.t('hand.raise')}
          </button>
        )}
        {mediaFailed && (
          <button type="button" disabled={busy} onClick={() => void publisher.start()}>
            {watchPanels.t('hand.retry')}
          </button>
        )}
        {hand && (
          <button type="button" id="lower-hand" class="secondary" disabled={busy || !connected} onClick={() => void act('lowerHand')}>
            {watchPanels.t(accepted ? 'hand.stop' : 'hand.lower')}
          </button>
        )}
      </div>
    </section>
  );
}
