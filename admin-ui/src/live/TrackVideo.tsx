import { useEffect, useRef } from 'preact/hooks';

/** A muted, inline `<video>` playing one track (previews: no sound, no user gesture needed). */
export function TrackVideo({ track, mirror = false, label }: { track: MediaStreamTrack | null; mirror?: boolean; label: string }) {
  const video = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const element = video.current;
    if (!element) return;
    element.srcObject = track ? new MediaStream([track]) : null;
    if (track) element.play().catch((error: unknown) => console.info('stagecast: preview did not start', error));
  }, [track]);
  return <video ref={video} class={mirror ? 'mirror' : undefined} muted autoplay playsInline aria-label={label} />;
}
