export * from '../../scripts/lib/serverProcess';
