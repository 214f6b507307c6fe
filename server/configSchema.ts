import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { IsBoolean, IsIP, IsIn, IsInt, IsOptional, IsString, Matches, Max, MinLength, Min } from 'class-validator';

/**
 * Every setting of stagecast, read once from the environment at boot and validated with class-validator.
 * A bad value stops the process with one line naming the variable, the value and what is allowed.
 */
export class Config {
  @IsIn(['development', 'production', 'test']) nodeEnv = 'development' as 'development' | 'production' | 'test';
  @IsString() @MinLength(1) host = '0.0.0.0';
  @IsInt() @Min(0) @Max(65535) port = 3000;
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) logLevel = 'info';
  @IsIn(['auto', 'pretty', 'json']) logFormat = 'auto' as 'auto' | 'pretty' | 'json';
  @IsString() @Matches(/^\d+(b|kb|mb)$/) httpBodyLimit = '64kb';
  @IsIn(['sqlite', 'redis']) store = 'sqlite' as 'sqlite' | 'redis';
  @IsString() @MinLength(1) sqlitePath = './data/stagecast.db';
  @IsString() @Matches(/^rediss?:\/\/\S+$/) redisUrl = 'redis://127.0.0.1:6379';
  @IsInt() @Min(100) @Max(60000) redisCommandTimeoutMs = 2000;
  @IsString() @Matches(/^[A-Za-z0-9_.-]{1,64}$/) nodeId = `${os
    .hostname()
    .replace(/[^A-Za-z0-9_.-]/g, '-')
    .slice(0, 40)}-${process.pid}-${randomBytes(2).toString('hex')}`;
  @IsOptional() @IsString() @Matches(/^https?:\/\/[^\s/]+$/) publicUrl?: string;
  @IsInt() @Min(200) @Max(60_000) clusterHeartbeatMs = 2000;
  @IsInt() @Min(1000) @Max(120_000) clusterNodeTtlMs = 6000;
  @IsInt() @Min(100) @Max(60_000) clusterRequestTimeoutMs = 3000;
  @IsInt() @Min(1) @Max(64) mediasoupNumWorkers = os.availableParallelism();
  @IsIn(['debug', 'warn', 'error', 'none']) mediasoupLogLevel = 'warn' as 'debug' | 'warn' | 'error' | 'none';
  @IsInt() @Min(1024) @Max(65535) rtcMinPort = 40000;
  @IsInt() @Min(1024) @Max(65535) rtcMaxPort = 49999;
  @IsIP(4) rtcListenIp = '0.0.0.0';
  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9.:-]{1,253}$/) announcedIp?: string;
  @IsInt() @Min(1) @Max(5000) maxConsumersPerRouter = 500;
  @IsInt() @Min(100_000) @Max(20_000_000) viewerStartBitrate = 1_500_000;
  @IsInt() @Min(0) @Max(600_000) reconnectGraceMs = 30_000;
  @IsInt() @Min(500) @Max(600_000) ingestTakeoverMs = 5000;
  @IsInt() @Min(1000) @Max(600_000) whepIdleMs = 30_000;
  @IsInt() @Min(0) @Max(65535) rtmpPort = 1935;
  @IsInt() @Min(0) @Max(65535) srtPort = 8890;
  // SRT's own bounds (10–79 characters); letters and digits only, as it is passed in ffmpeg's URL.
  @IsString() @Matches(/^$|^[A-Za-z0-9]{10,79}$/) srtPassphrase = '';
  @IsInt() @Min(1024) @Max(10 * 1024 * 1024) socketMaxPayloadBytes = 65_536;
  @IsString() @Matches(/^$|^https?:\/\/[^,\s]+(,https?:\/\/[^,\s]+)*$/) allowedOrigins = '';
  // Origins only (scheme://host[:port]): they are written into a CSP header as they are.
  @IsString() @Matches(/^$|^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?(,https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?)*$/) allowedEmbedOrigins = '';
  // off, a hop count, or proxy addresses/CIDRs; the list's entries are checked by compiling it (loadConfig).
  @IsString() @Matches(/^(off|[1-9]\d?|(?!\d+$)[^,\s]+(,[^,\s]+)*)$/) trustProxy = 'off';
  // Generous: a hall or an office behind one NAT opens a connection per attendee.
  @IsInt() @Min(1) @Max(1_000_000) maxSocketsPerIp = 500;
  @IsInt() @Min(100) @Max(60_000) socketConnectTimeoutMs = 5000;
  @IsInt() @Min(1) @Max(1_000_000) socketRefusalLimit = 50;
  @IsInt() @Min(1000) @Max(600_000) socketRefusalWindowMs = 10_000;
  @IsInt() @Min(1) @Max(32) maxProducersPerPeer = 4;
  @IsInt() @Min(1) @Max(1000) maxConsumersPerPeer = 64;
  @IsInt() @Min(1) @Max(1000) maxStagesPerEvent = 20;
  @IsInt() @Min(1) @Max(1000) maxPeersPerParticipant = 4;
  @IsInt() @Min(1) @Max(1_000_000) maxPeersPerIp = 200;
  @IsInt() @Min(1) @Max(2000) maxTransportsPerParticipant = 8;
  @IsInt() @Min(1) @Max(2_000_000) maxTransportsPerIp = 400;
  @IsInt() @Min(0) @Max(1_000_000) maxParkedPeersPerIp = 100;
  @IsInt() @Min(2000) @Max(600_000) drainGraceMs = 5000;
  @IsInt() @Min(1) @Max(100_000) joinRateLimitPerMinute = 30;
  @IsInt() @Min(1) @Max(10_000) questionRateLimitPerMinute = 5;
  @IsInt() @Min(1) @Max(10_000) voteRateLimitPerMinute = 60;
  @IsInt() @Min(1) @Max(10_000) handRateLimitPerMinute = 5;
  @IsInt() @Min(1) @Max(100_000) questionRateLimitPerNetworkPerMinute = 20;
  @IsInt() @Min(1) @Max(10_000) openHandsPerNetwork = 5;
  @IsOptional() @IsString() @MinLength(32) jwtSecret?: string;
  @IsInt() @Min(60) @Max(7 * 24 * 3600) tokenTtlSeconds = 12 * 3600;
  @IsInt() @Min(60) @Max(30 * 24 * 3600) tokenMaxTtlSeconds = 7 * 24 * 3600;
  @IsBoolean() seedDemo = true;
  // 1 s rather than 2: with ALERT_SOURCE_SILENT_MS 3000 a silent hall feed is reported within 5 s.
  @IsInt() @Min(100) @Max(60_000) healthSampleIntervalMs = 1000;
  @IsInt() @Min(10_000) @Max(24 * 3600_000) healthHistoryMs = 600_000;
  @IsOptional() @IsString() @MinLength(16) metricsToken?: string;
  @IsInt() @Min(500) @Max(600_000) alertSourceSilentMs = 3000;
  @IsInt() @Min(1) @Max(100) alertLossPercent = 5;
  @IsInt() @Min(0) @Max(3600_000) alertLossForMs = 10_000;
  @IsInt() @Min(1) @Max(10) alertScoreBelow = 5;
  @IsInt() @Min(0) @Max(3600_000) alertScoreForMs = 10_000;
  @IsInt() @Min(1) @Max(100) alertWorkerCpuPercent = 85;
  @IsInt() @Min(0) @Max(3600_000) alertWorkerCpuForMs = 10_000;
  @IsInt() @Min(0) @Max(3600_000) alertNoViewersForMs = 15_000;
  @IsInt() @Min(0) @Max(3600_000) alertInterpreterMissingForMs = 10_000;
  @IsInt() @Min(0) @Max(3600_000) alertClearAfterMs = 4000;
  @IsBoolean() hlsAutostart = true;
  @IsString() @MinLength(1) hlsDir = './data/hls';
  @IsInt() @Min(1) @Max(10) hlsSegmentSeconds = 2;
  @IsInt() @Min(3) @Max(60) hlsWindowSegments = 6;
  @IsInt() @Min(0) @Max(24 * 3600_000) hlsIdleStopMs = 30_000;
  // name:WIDTHxHEIGHT:kbps, comma-separated, largest first; sizes even (H.264 4:2:0).
  @IsString() @Matches(/^[a-z0-9]{1,16}:\d{2,4}x\d{2,4}:\d{2,5}(,[a-z0-9]{1,16}:\d{2,4}x\d{2,4}:\d{2,5}){0,5}$/) hlsLadder =
    '720p:1280x720:2500,360p:640x360:700';
  @IsInt() @Min(32) @Max(320) hlsAudioKbps = 128;
  @IsBoolean() recordSessions = true;
  @IsString() @MinLength(1) recordingsDir = './data/recordings';
  @IsInt() @Min(0) @Max(10_000_000) recordingsMinFreeMb = 1024;
  @IsInt() @Min(0) @Max(1_000_000) webrtcViewerBudget = 0;
  @IsInt() @Min(0) @Max(100) webrtcCpuCeilingPercent = 85;
  @IsInt() @Min(0) @Max(1_000_000) joinBacklogMax = 200;
  @IsBoolean() allowPrivateWebhookTargets = false;
  @IsInt() @Min(100) @Max(30_000) webhookTimeoutMs = 5000;
  @IsInt() @Min(10) @Max(3600_000) webhookRetryBaseMs = 10_000;
  @IsInt() @Min(10) @Max(24 * 3600_000) webhookRetryMaxDelayMs = 3600_000;
  @IsInt() @Min(1000) @Max(7 * 24 * 3600_000) webhookRetryForMs = 24 * 3600_000;
  @IsInt() @Min(1) @Max(100_000) webhookDisableAfterFailures = 50;
  // Longer than an attempt (WEBHOOK_TIMEOUT_MS) with room for the store writes around it.
  @IsInt() @Min(1000) @Max(600_000) webhookLeaseMs = 30_000;
  @IsInt() @Min(20) @Max(60_000) webhookPollMs = 1000;
  @IsInt() @Min(0) @Max(30 * 24 * 3600_000) webhookSecretOverlapMs = 24 * 3600_000;
}
