import assert from 'node:assert/strict';
import { waitFor } from '../../helpers/net';
import { WorkerUnderTest } from '../../helpers/mediaPath';
import { RetransmissionPath } from '../../helpers/retransmissionPath';

/**
 * Retransmissions of a video consumer (real worker, loopback). Our worker build replaces 3.8.4's
 * retransmission buffer (600 packets and a 65,536-entry table allocated up front per video consumer)
 * with a ring of 1,024 packets indexed by sequence number whose packets leave after 2 s of media time
 * (scripts/worker-fixes/retransmission.mjs). A viewer that NACKs must get what it got before, byte for
 * byte, and never another packet. Run with `MEDIASOUP_WORKER_BIN` naming a worker built without it to
 * compare: 3.8.4 fails only the test of the last 1,024 packets (it keeps 600).
 */

const sleep = async (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Every retransmission the viewer got is the packet first sent under its number: payload, timestamp, marker. */
function assertRetransmissionsMatch(path: RetransmissionPath): void {
  for (const retransmission of path.retransmissions) {
    const seq = retransmission.originalSequenceNumber;
    const first = path.firstSent.get(seq);
    assert.ok(first, `retransmission of ${seq}, never sent`);
    assert.ok(retransmission.payload.equals(first.payload), `retransmission of ${seq} carries another payload`);
    assert.equal(retransmission.timestamp, first.timestamp, `timestamp of the retransmission of ${seq}`);
    assert.equal(retransmission.marker, first.marker, `marker of the retransmission of ${seq}`);
  }
}

/** `newest - back`, modulo 2^16. */
const behind = (newest: number, back: number): number => (newest - back) & 0xffff;

describe('retransmissions of a video consumer (real worker, loopback)', function () {
  this.timeout(30_000);
  let worker: WorkerUnderTest | undefined;
  let path: RetransmissionPath | undefined;

  afterEach(async () => {
    path?.close();
    path = undefined;
    await worker?.close();
    worker = undefined;
  });

  async function openPath(): Promise<RetransmissionPath> {
    worker = await WorkerUnderTest.start();
    path = await RetransmissionPath.open(worker.worker);
    return path;
  }

  /**
   * NACKs `stale` first, then `control`, and asserts that nothing but `control` was retransmitted in
   * answer: once the control is answered, the worker has handled the stale NACK (it reads its socket in
   * order), and a packet sent for it (whatever number it would carry) has arrived before.
   */
  async function assertOnlyControlAnswered(video: RetransmissionPath, stale: number[], control: number): Promise<void> {
    const before = video.retransmissions.length;
    await video.nack(stale);
    await video.nack([control]);
    await waitFor(async () => (video.retransmissionsOf(control).length > 0 ? true : undefined), 5000, `the retransmission of ${control}`);
    await sleep(100);
    const answered = video.retransmissions.slice(before).map((r) => r.originalSequenceNumber);
    assert.deepEqual(answered, [control], `NACKs for ${stale.join(', ')} and then ${control} were answered with`);
  }

  it('retransmits the packets a viewer lost and NACKed at once, byte for byte', async () => {
    const video = await openPath();
    video.dropAfterFirst([10, 11, 25, 40]);
    await video.send(60, { batch: 1, intervalMs: 20, mediaMsPerPacket: 20 });
    await waitFor(
      async () => (video.lost.size === 4 && [...video.lost].every((seq) => video.retransmissionsOf(seq).length > 0) ? true : undefined),
      5000,
      'a retransmission of each lost packet',
    );
    assertRetransmissionsMatch(video);
    const [stats] = await video.consumer.getStats();
    assert.ok(stats.nackCount >= 3, `the consumer counted ${stats.nackCount} NACKs`);
    assert.deepEqual(worker!.deaths, []);
  });

  it('gives a retransmission the next transport-wide sequence number, as a first transmission gets (bandwidth estimation counts it)', async () => {
    // The stored copy is parsed again for the NACK: it must keep the extension ids the worker writes by.
    const video = await openPath();
    assert.ok(video.wideId !== undefined, 'the consumer has transport-wide-cc');
    video.dropAfterFirst([10]);
    await video.send(30, { batch: 1, intervalMs: 20, mediaMsPerPacket: 20 });
    const [lost] = [...video.lost];
    const [retransmission] = await waitFor(
      async () => (lost !== undefined && video.retransmissionsOf(lost).length > 0 ? video.retransmissionsOf(lost) : undefined),
      5000,
      'the retransmission of the lost packet',
    );
    const original = video.firstSent.get(lost)?.wideSequenceNumber;
    assert.ok(original !== undefined && original > 0, `the first transmission carried transport-wide number ${original}`);
    const firstNumbers = new Set([...video.firstSent.values()].map((first) => first.wideSequenceNumber));
    assert.ok(
      retransmission.wideSequenceNumber !== undefined && retransmission.wideSequenceNumber > original,
      `the retransmission carried ${retransmission.wideSequenceNumber}, the first transmission ${original}`,
    );
    assert.ok(!firstNumbers.has(retransmission.wideSequenceNumber), 'a number of its own, not one a first transmission had');
    assert.deepEqual(worker!.deaths, []);
  });

  it('answers a NACK that comes 800 ms after the loss, byte for byte', async () => {
    const video = await openPath();
    video.nackGaps = false;
    video.dropAfterFirst([5]);
    await video.send(46, { batch: 1, intervalMs: 20, mediaMsPerPacket: 20 }); // 40 packets (800 ms) after the loss
    const [lost] = [...video.lost];
    assert.ok(lost !== undefined, 'the packet was sent and lost');
    await video.nack([lost]);
    await waitFor(async () => (video.retransmissionsOf(lost).length > 0 ? true : undefined), 5000, `the retransmission of ${lost}`);
    assertRetransmissionsMatch(video);
  });

  it('does not retransmit a packet more than 2 s of media older than the newest', async () => {
    const video = await openPath();
    video.nackGaps = false;
    // 150 packets of 20 ms of media: 3 s of media, sent in ~0.8 s.
    await video.send(150, { batch: 1, intervalMs: 5, mediaMsPerPacket: 20 });
    const newest = video.newestSeq!;
    const old = behind(newest, 140); // 2.8 s of media before the newest
    const recent = behind(newest, 10);
    assert.ok(video.firstSent.has(old) && video.firstSent.has(recent));
    await assertOnlyControlAnswered(video, [old], recent); // the packet 2.8 s old is not retransmitted
    assertRetransmissionsMatch(video);
  });

  it('keeps the last 1,024 packets within 2 s of media for NACKs (3.8.4 kept the last 600)', async () => {
    const video = await openPath();
    video.nackGaps = false;
    // 1,100 packets of 1 ms of media (1.1 s), sent in bursts of 50.
    await video.send(1100, { batch: 50, intervalMs: 10, mediaMsPerPacket: 1 });
    await sleep(200);
    const newest = video.newestSeq!;
    const wanted = [1000, 1010, 1023].map((back) => behind(newest, back)).filter((seq) => video.firstSent.has(seq));
    assert.ok(wanted.length > 0, 'the viewer got some of the packets 1,000 to 1,023 back');
    await video.nack(wanted);
    await waitFor(
      async () => (wanted.every((seq) => video.retransmissionsOf(seq).length > 0) ? true : undefined),
      5000,
      `retransmissions of ${wanted.join(', ')}`,
    );
    assertRetransmissionsMatch(video);
  });

  it('never answers a NACK with the packet that took its number’s slot in the ring', async () => {
    const video = await openPath();
    video.nackGaps = false;
    await video.send(1100, { batch: 50, intervalMs: 10, mediaMsPerPacket: 1 });
    await sleep(200);
    const newest = video.newestSeq!;
    // 1,024 back shares the newest packet's slot, 1,030 back the slot of the one 6 back: both are
    // out of the ring's reach, whatever their slots hold now.
    const outOfReach = [1024, 1030, 1090].map((back) => behind(newest, back));
    await assertOnlyControlAnswered(video, outOfReach, behind(newest, 6));
    assertRetransmissionsMatch(video);
    assert.deepEqual(worker!.deaths, []);
  });

  it('forgets the packets sent before a pause, and keeps the ones after the resume', async () => {
    const video = await openPath();
    video.nackGaps = false;
    await video.send(30, { batch: 1, intervalMs: 10, mediaMsPerPacket: 20 });
    const beforePause = behind(video.newestSeq!, 5);
    await video.consumer.pause();
    await video.consumer.resume();
    const resumedAfter = video.newestSeq!;
    await video.send(30, { batch: 1, intervalMs: 10, mediaMsPerPacket: 20 });
    await sleep(100);
    assert.notEqual(video.newestSeq, resumedAfter, 'packets flow again after the resume');
    await assertOnlyControlAnswered(video, [beforePause], behind(video.newestSeq!, 5)); // not the one from before the pause
    assertRetransmissionsMatch(video);
  });
});
