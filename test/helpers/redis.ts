export * from '../../scripts/lib/redisServer';
