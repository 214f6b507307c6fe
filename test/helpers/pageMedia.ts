import type { Page } from 'playwright-core';

// What a page's `<video>` shows and sounds like, read inside the page. The functions passed to
// `page.evaluate` only touch `globalThis` and hold no inner named functions (the TypeScript loader would
// wrap those in helpers the page does not have).

export interface FramePicture {
  /** The decoded frame's size (0 × 0 before the first frame). */
  width: number;
  height: number;
  /** The mean colour of the frame's centre (a quarter of each side), 0–255 per channel. */
  red: number;
  green: number;
  blue: number;
}

/** The frame the page's `#program` video shows now, drawn onto a canvas and read back. */
export async function programPicture(page: Page): Promise<FramePicture> {
  return page.evaluate(() => {
    const scope = globalThis as unknown as {
      document: {
        getElementById(id: string): unknown;
        createElement(tag: 'canvas'): {
          width: number;
          height: number;
          getContext(
            kind: '2d',
            options: object,
          ): {
            drawImage(image: unknown, x: number, y: number, w: number, h: number): void;
            getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> };
          } | null;
        };
      };
    };
    const video = scope.document.getElementById('program') as { videoWidth: number; videoHeight: number } | null;
    if (!video) throw new Error('the page has no #program video');
    const { videoWidth: width, videoHeight: height } = video;
    if (width === 0 || height === 0) return { width, height, red: 0, green: 0, blue: 0 };
    const canvas = scope.document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) throw new Error('no 2d canvas context');
    context.drawImage(video, 0, 0, width, height);
    const [w, h] = [Math.max(1, Math.floor(width / 4)), Math.max(1, Math.floor(height / 4))];
    const { data } = context.getImageData(Math.floor((width - w) / 2), Math.floor((height - h) / 2), w, h);
    const sums = [0, 0, 0];
    for (let i = 0; i < data.length; i += 4) {
      sums[0] += data[i];
      sums[1] += data[i + 1];
      sums[2] += data[i + 2];
    }
    const pixels = data.length / 4;
    return { width, height, red: sums[0] / pixels, green: sums[1] / pixels, blue: sums[2] / pixels };
  });
}

/** 'red', 'green' or 'blue' when one channel clearly dominates the picture; null otherwise (mixed, black). */
export function dominantColour(picture: FramePicture): 'red' | 'green' | 'blue' | null {
  const channels = { red: picture.red, green: picture.green, blue: picture.blue } as const;
  for (const [name, value] of Object.entries(channels) as ['red' | 'green' | 'blue', number][]) {
    const others = Object.values(channels).filter((v) => v !== value);
    if (value > 100 && others.every((other) => value > 2 * other + 20)) return name;
  }
  return null;
}

/**
 * The sound the page's `#program` video plays now: the RMS level (0–1) of its audio track over the last
 * ~40 ms, through a WebAudio AnalyserNode. The analyser follows the element's current stream, so it
 * hears the new source after a switch. Null when the element plays no audio track.
 */
export async function programAudioLevel(page: Page): Promise<number | null> {
  return page.evaluate(async () => {
    interface Analyser {
      fftSize: number;
      getFloatTimeDomainData(samples: Float32Array): void;
    }
    interface AudioGraph {
      context: { state: string; resume(): Promise<void>; createAnalyser(): Analyser; createMediaStreamSource(stream: unknown): Source };
      analyser: Analyser;
      source: Source | null;
      trackId: string;
    }
    interface Source {
      connect(node: unknown): void;
      disconnect(): void;
    }
    interface Track {
      id: string;
      kind: string;
      readyState: string;
    }
    const scope = globalThis as unknown as {
      document: { getElementById(id: string): unknown };
      AudioContext: new () => AudioGraph['context'];
      MediaStream: new (tracks: Track[]) => unknown;
      stagecastAudioGraph?: AudioGraph;
    };
    const video = scope.document.getElementById('program') as { srcObject: { getAudioTracks(): Track[] } | null } | null;
    const track = video?.srcObject?.getAudioTracks().find((t) => t.readyState === 'live');
    if (!track) return null;
    if (!scope.stagecastAudioGraph) {
      const context = new scope.AudioContext();
      const analyser = context.createAnalyser();
      analyser.fftSize = 2048;
      scope.stagecastAudioGraph = { context, analyser, source: null, trackId: '' };
    }
    const graph = scope.stagecastAudioGraph;
    if (graph.context.state !== 'running') await graph.context.resume();
    if (graph.trackId !== track.id) {
      graph.source?.disconnect();
      graph.source = graph.context.createMediaStreamSource(new scope.MediaStream([track]));
      graph.source.connect(graph.analyser);
      graph.trackId = track.id;
    }
    const samples = new Float32Array(graph.analyser.fftSize);
    graph.analyser.getFloatTimeDomainData(samples);
    let sum = 0;
    for (const sample of samples) sum += sample * sample;
    return Math.sqrt(sum / samples.length);
  });
}

/** The WebAudio the page has, as far as the analysis uses it. */
interface PageAudio {
  stagecast?: { languageTracks(): unknown[]; relayTracks(): unknown[] };
  document: { getElementById(id: string): unknown };
  MediaStream: new (tracks: unknown[]) => unknown;
  AudioContext: new () => {
    sampleRate: number;
    createAnalyser(): {
      fftSize: number;
      smoothingTimeConstant: number;
      frequencyBinCount: number;
      getFloatFrequencyData(bins: Float32Array): void;
    };
    createMediaStreamSource(stream: unknown): { connect(node: unknown): void };
    resume(): Promise<void>;
    close(): Promise<void>;
  };
}

/**
 * The dominant frequency of what a page plays, from a WebAudio analyser fed for a short window (runs in
 * the page; no inner named functions, which the TypeScript loader would wrap in helpers the page does
 * not have). `languageTracks` / `relayTracks`: the tracks the page's handle names (a chosen language
 * channel, a relay); `program`: the sound of the `#program` element itself (its captured stream: what
 * an HLS player plays). Null while there is nothing to hear.
 */
export async function dominantFrequency(
  page: Page,
  tracksOf: 'languageTracks' | 'relayTracks' | 'program' = 'languageTracks',
): Promise<{ hz: number; db: number } | null> {
  return page.evaluate(async (method) => {
    const scope = globalThis as unknown as PageAudio;
    const program = scope.document.getElementById('program') as { captureStream?(): { getAudioTracks(): unknown[] } } | null;
    const tracks = method === 'program' ? (program?.captureStream?.().getAudioTracks() ?? []) : (scope.stagecast?.[method]() ?? []);
    if (tracks.length === 0) return null;
    const context = new scope.AudioContext();
    const analyser = context.createAnalyser();
    analyser.fftSize = 8192;
    analyser.smoothingTimeConstant = 0;
    for (const track of tracks) context.createMediaStreamSource(new scope.MediaStream([track])).connect(analyser);
    await context.resume();
    // A window of sound to analyse, not a wait for a condition: the caller polls this until it holds.
    await new Promise((resolve) => setTimeout(resolve, 250));
    const bins = new Float32Array(analyser.frequencyBinCount);
    analyser.getFloatFrequencyData(bins);
    let best = 0;
    for (let i = 1; i < bins.length; i++) if ((bins[i] ?? -Infinity) > (bins[best] ?? -Infinity)) best = i;
    const result = { hz: (best * context.sampleRate) / analyser.fftSize, db: bins[best] ?? -Infinity };
    await context.close();
    return result;
  }, tracksOf);
}
