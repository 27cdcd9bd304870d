/** Architecture rules (DESIGN.md §9): domain is pure, adapters never reach into handlers. */
module.exports = {
  forbidden: [
    {
      name: 'domain-no-aws-sdk',
      comment: 'domain/ is pure logic: AWS SDK clients live in infra/ adapters behind ports.',
      severity: 'error',
      from: { path: '^domain/' },
      to: { path: '(^|/)node_modules/@(aws-sdk|smithy)/' },
    },
    {
      name: 'domain-no-powertools',
      comment: 'domain/ does not log or trace: handlers and adapters do.',
      severity: 'error',
      from: { path: '^domain/' },
      to: { path: '(^|/)node_modules/@aws-lambda-powertools/' },
    },
    {
      name: 'domain-no-outer-layers',
      comment: 'domain/ depends on nothing outside itself but small pure libraries.',
      severity: 'error',
      from: { path: '^domain/' },
      to: { path: '^(infra|handlers|cli)/' },
    },
    {
      name: 'domain-no-node-process',
      comment: 'domain/ reads no environment, files or network.',
      severity: 'error',
      from: { path: '^domain/' },
      to: { dependencyTypes: ['core'], path: '^(process|fs|fs/promises|child_process|net|http|https|os)$' },
    },
    {
      name: 'infra-not-handlers',
      comment: 'Adapters are built in infra/deps.ts and used by handlers, never the reverse.',
      severity: 'error',
      from: { path: '^infra/' },
      to: { path: '^handlers/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(dist|\\.serverless|\\.esbuild)/' },
  },
};
