import assert from 'node:assert/strict';
import type { types } from 'mediasoup';
import { isPortExhaustion } from '../../../media/ports';
import { waitFor } from '../../helpers/net';
import { VideoPath, WorkerUnderTest } from '../../helpers/mediaPath';
import { parseTransportCcFeedback, transportCcFeedback } from '../../helpers/transportCc';

/**
 * Faults of mediasoup 3.8.4's worker that a remote peer can reach, fixed upstream later and carried
 * as source patches by our worker build (scripts/worker-fixes.mjs). Each test drives the real worker
 * over loopback with bytes a browser would never send. Run with `MEDIASOUP_WORKER_BIN` naming a
 * worker built without the back-ports to see them fail.
 */

/** The 24-bit signed range of a transport-cc reference time (units of 64 ms). */
const REFERENCE_MAX = 0x7fffff;
const REFERENCE_MIN = -0x800000;
/** Going from REFERENCE_MAX to REFERENCE_MIN moves a receiver's time base back this far. */
const REFERENCE_SPAN_MS = (REFERENCE_MAX - REFERENCE_MIN) * 64;

const sleep = async (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Milliseconds on the clock the worker stamps feedback arrival with (libuv's uv_hrtime: CLOCK_MONOTONIC). */
function monotonicMs(): number {
  return Number(process.hrtime.bigint() / 1_000_000n);
}

describe('mediasoup worker back-ports (real worker, loopback)', function () {
  this.timeout(30_000);
  let worker: WorkerUnderTest | undefined;
  let path: VideoPath | undefined;

  afterEach(async () => {
    path?.close();
    path = undefined;
    await worker?.close();
    worker = undefined;
  });

  async function flowingPath(producerTransportCc: boolean): Promise<VideoPath> {
    worker = await WorkerUnderTest.start();
    path = await VideoPath.open(worker.worker, { producerTransportCc });
    path.flow(10);
    const opened = path;
    await waitFor(
      async () => (opened.wideSeqs.length >= 20 ? true : undefined),
      10_000,
      'forwarded packets with transport-wide sequence numbers',
    );
    return opened;
  }

  it('survives transport-cc feedback whose reference time jumps backwards, and keeps forwarding (upstream #985/#988)', async function () {
    // A reference time moves the receiver's time base back at most ~12.4 days from the first feedback's
    // arrival on the worker's clock (this host's uptime). On a host up longer, the crafted arrival time
    // cannot go negative and the fault is out of reach this way: nothing to test.
    if (monotonicMs() + 60_000 > REFERENCE_SPAN_MS) this.skip();
    const video = await flowingPath(false);
    const [first, second] = video.wideSeqs.slice(-2);
    const consumerSsrc = 0; // transport-cc feedback is handled by the transport whatever media SSRC it names

    // 1. Sets the receiver's time base: reference time at its maximum, for a packet never sent (so the
    //    bandwidth estimator sees nothing yet).
    await video.sendToConsumer(
      transportCcFeedback({
        mediaSsrc: consumerSsrc,
        baseSequenceNumber: (second + 20_000) & 0xffff,
        referenceTime: REFERENCE_MAX,
        feedbackCount: 0,
        statuses: [{ delta: 0 }],
      }),
    );
    await sleep(50);

    // 2. Reference time at its minimum: the time base moves back ~12.4 days, so the arrival time of a
    //    packet the worker did send is negative.
    await video.sendToConsumer(
      transportCcFeedback({
        mediaSsrc: consumerSsrc,
        baseSequenceNumber: first,
        referenceTime: REFERENCE_MIN,
        feedbackCount: 1,
        statuses: [{ delta: 0 }],
      }),
    );
    await sleep(50);

    // 3. Back to the maximum: a later packet arrives at a positive time. 3.8.4 aborted here, on the
    //    assertion in InterArrival::BelongsToBurst() (the first packet's negative time opened a group).
    await video.sendToConsumer(
      transportCcFeedback({
        mediaSsrc: consumerSsrc,
        baseSequenceNumber: second,
        referenceTime: REFERENCE_MAX,
        feedbackCount: 2,
        statuses: [{ delta: 0 }],
      }),
    );
    await sleep(500);

    assert.deepEqual(
      worker!.deaths.map((error) => error.message),
      [],
      'the worker is alive',
    );
    const before = video.sinkPackets;
    await waitFor(async () => (video.sinkPackets >= before + 20 ? true : undefined), 5000, 'packets still forwarded after the feedback');
    const [stats] = await video.egress.getStats();
    assert.ok(stats.rtpBytesSent > 0);
  });

  it('keeps the sent-loss statistic a number after an empty transport-cc feedback (upstream #1049)', async () => {
    const video = await flowingPath(false);
    const [lost, received] = video.wideSeqs.slice(-2);
    // A feedback that reports no packet at all: 3.8.4 divided 0 by 0 into its loss history.
    await video.sendToConsumer(
      transportCcFeedback({ mediaSsrc: 0, baseSequenceNumber: received, referenceTime: 1, feedbackCount: 0, statuses: [] }),
    );
    // Then one that reports one packet lost and the next one received: a loss of 1/2.
    await video.sendToConsumer(
      transportCcFeedback({ mediaSsrc: 0, baseSequenceNumber: lost, referenceTime: 2, feedbackCount: 1, statuses: [{}, { delta: 4 }] }),
    );
    await sleep(200);

    // The worker reports it (Transport.cpp, with a transport-cc client) though 3.8.4's typings omit it.
    const [stats] = (await video.egress.getStats()) as (types.PlainTransportStat & { rtpPacketLossSent?: number | null })[];
    // NaN crosses the channel as JSON null.
    assert.equal(stats.rtpPacketLossSent, 0.5, 'the loss of the one well-formed feedback, not NaN');
    assert.deepEqual(worker!.deaths, []);
  });

  it('never sends malformed transport-cc feedback when the transport-wide sequence jumps across the 16-bit wrap (upstream #1386)', async () => {
    const video = await flowingPath(true);
    // The background flow sends no transport-wide numbers; these do. Up to 65535, then 9000: a gap of
    // 9000 numbers across the wrap, more than one feedback may describe (8191 missing at most).
    for (let wide = 65_530; wide <= 65_535; wide += 1) await video.sendFrame(wide);
    for (let wide = 9000; wide <= 9010; wide += 1) await video.sendFrame(wide);
    await waitFor(
      async () =>
        video.feedbacks.some((feedback) => ((9010 - feedback.readUInt16BE(12)) & 0xffff) < feedback.readUInt16BE(14)) ? true : undefined,
      5000,
      'transport-cc feedback about the packets after the jump',
    );
    await sleep(300);

    assert.ok(video.feedbacks.length > 0);
    const problems: string[] = [];
    for (const feedback of video.feedbacks) {
      try {
        parseTransportCcFeedback(feedback);
      } catch (error) {
        problems.push(`base ${feedback.readUInt16BE(12)}, ${feedback.readUInt16BE(14)} statuses: ${(error as Error).message}`);
      }
    }
    assert.deepEqual(problems, [], 'every feedback parses');
    const reported = video.feedbacks.flatMap((feedback) => parseTransportCcFeedback(feedback).received);
    assert.ok(reported.includes(9010), 'packets after the jump are reported');
    assert.ok(!reported.some((wide) => wide > 9010 || (wide > 1000 && wide < 9000)), 'nothing in the gap is reported as received');
    assert.deepEqual(worker!.deaths, []);
  });

  it('keeps the reason of an error a router request throws (upstream #750, 3.9.4)', async () => {
    worker = await WorkerUnderTest.start(1);
    const router = await worker.worker.createRouter({ mediaCodecs: [] });
    await router.createPlainTransport({ listenIp: '127.0.0.1' }); // takes the only port of the range
    const error = await router.createPlainTransport({ listenIp: '127.0.0.1' }).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    assert.ok(error instanceof Error, 'the second transport is refused');
    assert.match(error.message, /^no more available ports .*\[method:router\.createPlainTransport\]$/);
    assert.equal(isPortExhaustion(error), true, 'and it counts as a full port range');
  });
});
