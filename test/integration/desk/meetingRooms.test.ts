import assert from 'node:assert/strict';
import { waitFor } from '../../../scripts/lib/wait';
import type { MeetingRecord, OrganisationRecord, SlotRecord } from '../../../server/store/deskRecords';
import { ApiClient, failed, ok } from '../../helpers/api';
import { publishCamera } from '../../helpers/publisher';
import { type ClientSocket, connect, fakeDevice, rawRequest, request, startStagecast, tokenFor } from '../../helpers/stagecast';
import { Teardown } from '../../helpers/teardown';
import { createOrganisation, DESK, type Delegate, inviteDelegate } from './deskParties';

const MINUTE = 60_000;

/** A slot from `fromMs` to `toMs` relative to now. */
function slotAround(fromMs: number, toMs: number): { start: string; end: string } {
  const now = Date.now();
  return { start: new Date(now + fromMs).toISOString(), end: new Date(now + toMs).toISOString() };
}

describe('Online meetings of the desk on the SFU: a private room for the two organisations, closed after its slot', function () {
  this.timeout(60_000);
  const teardown = new Teardown();
  let node: Awaited<ReturnType<typeof startStagecast>>;
  let anonymous: ApiClient;
  let host: ApiClient;
  let university: OrganisationRecord;
  let company: OrganisationRecord;
  /** Two of the university, two of the company, one of an investor outside the meeting. */
  let u1: Delegate, u2: Delegate, e1: Delegate, e2: Delegate, outsider: Delegate;

  async function meeting(hostSide: Delegate, guest: Delegate, slot: object, accept = true): Promise<MeetingRecord> {
    const [published] = ok<SlotRecord[]>(await hostSide.api.post(`${DESK}/slots`, { slots: [slot] }), 201);
    const requested = ok<MeetingRecord>(await guest.api.post(`${DESK}/meetings`, { slotId: published.id }), 201);
    if (!accept) return requested;
    return ok<MeetingRecord>(await hostSide.api.post(`${DESK}/meetings/${requested.id}/answer`, { action: 'accept' }));
  }

  async function socketOf(delegate: Delegate | string): Promise<ClientSocket> {
    const token = typeof delegate === 'string' ? delegate : delegate.token;
    const socket = await connect(node.url, token);
    teardown.add('a socket', () => socket.disconnect());
    return socket;
  }

  async function joinRefusal(delegate: Delegate | string, stageId: string): Promise<{ code: string; message: string }> {
    const response = await rawRequest(await socketOf(delegate), 'join', { stageId });
    assert.ok(!response.ok, `the join of ${stageId} is refused`);
    return response.error;
  }

  before(async () => {
    node = teardown.own('the node', await startStagecast({ HLS_AUTOSTART: 'true' }), (s) => s.stop());
    anonymous = new ApiClient(node.url);
    host = anonymous.as(tokenFor('host'));
    university = await createOrganisation(host, 'Nanyang Institute of Technology', 'university', ['optoelectronic information']);
    company = await createOrganisation(host, 'Zhongyuan Optics Co.', 'enterprise', ['optoelectronic information']);
    const investor = await createOrganisation(host, 'Funiu Capital', 'investor', ['new materials']);
    u1 = await inviteDelegate(host, anonymous, university, 'Prof. Li Wei');
    u2 = await inviteDelegate(host, anonymous, university, 'Dr. Zhao Min');
    e1 = await inviteDelegate(host, anonymous, company, 'Wang Fang');
    e2 = await inviteDelegate(host, anonymous, company, 'Chen Jie');
    outsider = await inviteDelegate(host, anonymous, investor, 'Zhou Lei');
  });

  after(async function () {
    this.timeout(30_000);
    await teardown.run();
  });

  it("lets the two organisations' delegates in, each receiving what the others publish; nobody else gets in", async () => {
    const accepted = await meeting(u1, e1, { ...slotAround(-MINUTE, 20 * MINUTE), mode: 'online' });
    const room = `meeting-${accepted.id}`;

    const teamSocket = await socketOf(u1);
    const team = await publishCamera(teamSocket, room);
    const guestSocket = await socketOf(e1);
    const joined = await request(guestSocket, 'join', { stageId: room });
    assert.equal(joined.program.sourceId, null, 'a room has nothing on air');
    const teamSource = joined.sources.find((s) => s.producers.some((p) => p.producerId === team.videoId));
    assert.ok(teamSource, `the guest learns of the team's camera at join: ${JSON.stringify(joined.sources)}`);

    // A room is no programme: the guest receives the team's camera although nobody put it on air.
    const device = await fakeDevice(joined.routerRtpCapabilities);
    await request(guestSocket, 'createTransport', { direction: 'recv' });
    const consumed = await request(guestSocket, 'consume', { producerId: team.videoId, rtpCapabilities: device.rtpCapabilities });
    assert.equal(consumed.producerId, team.videoId);
    // And publishes back.
    await request(guestSocket, 'leave', {});
    const guest = await publishCamera(guestSocket, room);
    assert.ok(
      node.node.media.existingStage(`demo/${room}`)?.sources.some((s) => s.producers.some((p) => p.producerId === guest.videoId)),
      "the guest's camera is a source of the room",
    );
    // A colleague of either side gets in too.
    await request(await socketOf(u2), 'join', { stageId: room });

    const outsiderRefusal = await joinRefusal(outsider, room);
    assert.equal(outsiderRefusal.code, 'forbidden', outsiderRefusal.message);
    for (const role of ['host', 'admin', 'attendee'] as const) {
      const refusal = await joinRefusal(tokenFor(role), room);
      assert.equal(refusal.code, 'forbidden', `${role}: ${refusal.message}`);
    }
    assert.equal((await joinRefusal(u1, 'meeting-00000000-0000-4000-8000-000000000000')).code, 'not_found');

    // Rooms are private: never streamed over HLS, even with HLS starting on a stage's first video.
    assert.equal(node.node.hls.stream(`demo/${room}`), undefined, 'no HLS stream of the room');
    await assert.rejects(node.node.hls.start(`demo/${room}`), { code: 'conflict' });
  });

  it('has no room for an on-site meeting, one not accepted, or one that is still more than ten minutes away', async () => {
    const onSite = await meeting(u1, e2, { ...slotAround(30 * MINUTE, 50 * MINUTE), mode: 'on-site', table: 'A7' });
    assert.equal((await joinRefusal(e2, `meeting-${onSite.id}`)).code, 'not_found');
    const pending = await meeting(u2, e2, { ...slotAround(60 * MINUTE, 80 * MINUTE), mode: 'online' }, false);
    assert.equal((await joinRefusal(e2, `meeting-${pending.id}`)).code, 'not_found');
    const later = await meeting(u2, e1, { ...slotAround(90 * MINUTE, 110 * MINUTE), mode: 'online' });
    const early = await joinRefusal(e1, `meeting-${later.id}`);
    assert.equal(early.code, 'forbidden');
    assert.match(early.message, /opens at/);
  });

  it('refuses an agenda stage named like a meeting room', async () => {
    const admin = anonymous.as(tokenFor('admin'));
    failed(await admin.post('/api/events/demo/stages', { id: 'meeting-room-one', name: 'Room one' }), 400, 'bad_request');
  });

  it('takes at most six people publishing: a seventh delegate of the two organisations is refused', async () => {
    const team = await inviteDelegate(host, anonymous, university, 'Prof. Ma Jun');
    const guest = await inviteDelegate(host, anonymous, company, 'Gao Lin');
    const crowded = await meeting(team, guest, { ...slotAround(-MINUTE, 40 * MINUTE), mode: 'online' });
    const room = `meeting-${crowded.id}`;
    const colleagues = [team, guest];
    for (let i = 0; i < 5; i++) {
      colleagues.push(await inviteDelegate(host, anonymous, i % 2 === 0 ? university : company, `Colleague ${i + 1}`));
    }
    for (const delegate of colleagues.slice(0, 6)) await publishCamera(await socketOf(delegate), room);
    await assert.rejects(publishCamera(await socketOf(colleagues[6]), room), { code: 'conflict' });
    const publishers = new Set(node.node.media.existingStage(`demo/${room}`)?.sources.map((s) => s.ownerId));
    assert.equal(publishers.size, 6, 'six people publish in the room');
  });

  it('closes the room at once when the meeting is cancelled', async () => {
    // Two more delegates: the others' time is booked by the tests above.
    const team = await inviteDelegate(host, anonymous, university, 'Dr. Qian Lin');
    const guest = await inviteDelegate(host, anonymous, company, 'Sun Yue');
    const cancelled = await meeting(team, guest, { ...slotAround(-MINUTE, 40 * MINUTE), mode: 'online' });
    const room = `meeting-${cancelled.id}`;
    const socket = await socketOf(team);
    await publishCamera(socket, room);
    const lost = new Promise<{ stageId: string }>((resolve) => socket.once('mediaLost', resolve));
    ok(await guest.api.post(`${DESK}/meetings/${cancelled.id}/cancel`, { note: 'Flight delayed' }));
    assert.equal((await lost).stageId, room);
    assert.equal(node.node.media.existingStage(`demo/${room}`), undefined, "the room's media is closed");
    assert.equal((await joinRefusal(team, room)).code, 'not_found');
  });

  it('closes the room when its slot ends: its participants lose their media and cannot join again', async () => {
    const closing = await meeting(u2, e2, { ...slotAround(-MINUTE, 6_000), mode: 'online' });
    const room = `meeting-${closing.id}`;
    const socket = await socketOf(e2);
    await publishCamera(socket, room);
    const lost = new Promise<{ stageId: string }>((resolve) => socket.once('mediaLost', resolve));
    assert.equal((await lost).stageId, room);
    await waitFor(async () => (node.node.media.existingStage(`demo/${room}`) === undefined ? true : undefined), {
      what: "the room's media closed",
      timeoutMs: 10_000,
    });
    const over = await joinRefusal(e2, room);
    assert.equal(over.code, 'not_found');
    assert.match(over.message, /over/);
  });
});
