/**
 * The import rules of docs/ARCHITECTURE.md, checked by `npm run lint:deps` (part of `npm test`).
 * TypeScript is read before compilation, so type-only imports count: a cycle of types is a cycle.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Two files that import each other (directly or around a loop) cannot be read or changed one at a time.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'media-imports-nothing-of-ours',
      severity: 'error',
      comment: 'The SFU is reached through narrow interfaces; it knows nothing of the conference, signaling or HTTP.',
      from: { path: '^media/' },
      to: { path: '^(server|signaling|admin-ui|scripts|test)/' },
    },
    {
      name: 'store-below-the-domain',
      severity: 'error',
      from: { path: '^server/store/' },
      to: { path: '^(server/(conference|http|cluster|ops|boot)|signaling|media)/' },
    },
    {
      name: 'conference-is-pure-domain',
      severity: 'error',
      comment: 'Agenda, program, Q&A and hands reach the SFU only through ProgramMedia, and know no edge.',
      from: { path: '^server/conference/' },
      to: { path: '^(server/(http|cluster|ops|boot)|signaling|media)/' },
    },
    {
      name: 'edges-do-not-know-each-other',
      severity: 'error',
      from: { path: '^server/http/' },
      to: { path: '^(signaling|server/boot)/' },
    },
    {
      name: 'signaling-not-http',
      severity: 'error',
      from: { path: '^signaling/' },
      to: { path: '^server/(http|boot)/' },
    },
    {
      name: 'only-the-root-knows-the-root',
      severity: 'error',
      comment: 'The composition root builds everything; nothing it builds imports it back.',
      from: { path: '^(server|signaling|media)/', pathNot: '^server/(boot/|Stagecast\\.ts$|main\\.ts$)' },
      to: { path: '^server/(boot/|Stagecast\\.ts$|main\\.ts$)' },
    },
    {
      name: 'browser-sees-only-the-contract',
      severity: 'error',
      comment: 'The browser app imports the server only for types, and only through signaling/contract.ts.',
      from: { path: '^admin-ui/' },
      to: { path: '^(server|media|signaling)/', pathNot: '^signaling/contract\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules|test-artifacts)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'] },
  },
};
