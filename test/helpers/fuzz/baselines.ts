import type { Json } from './mutate';

type Payload = Record<string, Json>;

/** Ids of records the fuzz run creates first, so that baselines name things that exist. */
export interface FuzzIds {
  sessionId: string;
  questionId: string;
  handId: string;
  speakerId: string;
  achievementId: string;
}

const FINGERPRINT = Array.from({ length: 32 }, (_, i) => (i * 7).toString(16).padStart(2, '0').slice(-2).toUpperCase()).join(':');
const UUID = '3f1c2b9e-8d4a-4c7e-9b2f-5a6d7e8f9a0b';

/** A request body each REST body DTO accepts, by class name. The fuzzer only ever sends broken copies. */
export function restBodies(ids: FuzzIds): Record<string, Payload> {
  return {
    CreateEventDto: { id: 'fuzz-event', name: 'Never created', isPublic: true, timezone: 'UTC' },
    UpdateEventDto: { name: 'Renamed' },
    CreateStageDto: { id: 'fuzz-stage', name: 'Never created' },
    UpdateStageDto: { name: 'Renamed' },
    CreateSpeakerDto: { name: 'Nobody', title: 'Dr', organisation: 'Nowhere', presence: 'remote' },
    UpdateSpeakerDto: { title: 'Prof' },
    CreateAchievementDto: {
      title: 'Nothing',
      institution: 'None',
      field: 'none',
      summary: 'None at all',
      contact: 'nobody@example.org',
      sessionId: null,
    },
    UpdateAchievementDto: { summary: 'Still nothing', sessionId: ids.sessionId },
    CreateSessionDto: {
      stageId: 'release',
      title: 'Never',
      kind: 'speech',
      speakerIds: [ids.speakerId],
      plannedStart: '2040-01-01T09:00:00Z',
      plannedEnd: '2040-01-01T10:00:00Z',
    },
    UpdateSessionDto: { title: 'Renamed', plannedStart: '2040-01-01T09:00:00+08:00' },
    SetProgramDto: { sourceId: 'onsite', speakerId: ids.speakerId },
    SubmitQuestionDto: { text: 'Never asked' },
    ModerateQuestionDto: { action: 'approve' },
    AnswerHandDto: { action: 'accept' },
    IngestDto: { videoCodec: 'H264', feed: 'cam2', label: 'Second camera' },
    CreateStreamKeyDto: { feed: 'cam9', label: 'Fuzz encoder', expiresInSeconds: 3600 },
    JoinEventDto: { name: 'Guest' },
    CreateOrganisationDto: { name: 'Fuzz University', kind: 'university', sectors: ['new materials'] },
    InviteDelegateDto: { organisationId: UUID, name: 'Nobody', title: 'Dr', sectors: ['new materials'], expiresInHours: 1 },
    AcceptInviteDto: { code: 'A'.repeat(43) },
    CreateNeedDto: {
      title: 'Nothing',
      sector: 'none',
      problem: 'None',
      budgetMin: 0,
      budgetMax: 10,
      currency: 'CNY',
      wantedBy: '2040-01-01',
      maturityWanted: 5,
    },
    ExpressInterestDto: { target: { kind: 'achievement', id: ids.achievementId }, note: 'Never' },
    AnswerDeskRequestDto: { action: 'accept', note: 'Never' },
    PublishSlotsDto: { slots: [{ start: '2040-01-01T09:00:00Z', end: '2040-01-01T09:30:00Z', mode: 'on-site', table: 'T1' }] },
    RequestMeetingDto: { slotId: UUID, note: 'Never', about: { kind: 'achievement', id: ids.achievementId } },
    CancelMeetingDto: { note: 'Never' },
    RecordAgreementDto: {
      achievementId: ids.achievementId,
      companyOrganisationId: UUID,
      teamOrganisationId: UUID,
      type: 'licence',
      amount: 1000,
      currency: 'CNY',
      signingSessionId: ids.sessionId,
    },
    // Shaped like a token, signed by nobody: no mutation of it can revoke a real one.
    RevokeTokenDto: { token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJub2JvZHkifQ.c2lnbmVkLWJ5LW5vYm9keQ' },
    CreateApiKeyDto: { role: 'host', label: 'Fuzz partner' },
    // A documentation address (TEST-NET-1): refused by the address check without a lookup or a connection.
    CreateWebhookEndpointDto: { url: 'https://192.0.2.10/hooks', types: ['session.started'], description: 'Never' },
    UpdateWebhookEndpointDto: { enabled: false, rotateSecret: true, types: [] },
  };
}

const RTP_PARAMETERS: Payload = {
  mid: '0',
  codecs: [
    {
      mimeType: 'video/VP8',
      payloadType: 96,
      clockRate: 90000,
      parameters: {},
      rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }],
    },
  ],
  headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 1 }],
  encodings: [{ ssrc: 1111, rtx: { ssrc: 2222 }, maxBitrate: 500_000, scaleResolutionDownBy: 2 }],
  rtcp: { cname: 'fuzz', reducedSize: true },
};

const RTP_CAPABILITIES: Payload = {
  codecs: [{ kind: 'video', mimeType: 'video/VP8', preferredPayloadType: 96, clockRate: 90000, rtcpFeedback: [{ type: 'nack' }] }],
  headerExtensions: [{ kind: 'video', uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', preferredId: 1 }],
};

/** A payload each socket request DTO accepts, by class name. */
export function socketBaselines(ids: FuzzIds): Record<string, Payload> {
  return {
    JoinDto: { stageId: 'keynote' },
    ResumeDto: { peerId: UUID },
    EmptyDto: {},
    CreateTransportDto: { direction: 'recv' },
    ConnectTransportDto: {
      transportId: UUID,
      dtlsParameters: { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: FINGERPRINT }] },
    },
    RestartIceDto: { transportId: UUID },
    ProduceDto: { transportId: UUID, kind: 'video', rtpParameters: RTP_PARAMETERS, source: 'camera' },
    ProducerRefDto: { producerId: UUID },
    ConsumeDto: { producerId: UUID, rtpCapabilities: RTP_CAPABILITIES },
    ConsumeManyDto: { rtpCapabilities: RTP_CAPABILITIES, consumers: [{ producerId: UUID, paused: false }] },
    ConsumerRefDto: { consumerId: UUID },
    PreferredLayersDto: { consumerId: UUID, spatialLayer: 1, temporalLayer: 0 },
    SessionRefDto: { sessionId: ids.sessionId },
    QuestionRefDto: { sessionId: ids.sessionId, questionId: ids.questionId },
    SubmitQuestionSocketDto: { sessionId: ids.sessionId, text: 'Never asked' },
    ModerateQuestionSocketDto: { sessionId: ids.sessionId, questionId: ids.questionId, action: 'pin' },
    AnswerHandSocketDto: { sessionId: ids.sessionId, handId: ids.handId, action: 'accept' },
  };
}
