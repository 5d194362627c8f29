/**
 * Creek's layering rules (see ARCHITECTURE.md). `npm run lint:layers` fails on any violation.
 *
 *   cli/ examples/ bench/   ->   streams/  connect/   ->   serdes/   ->   core/
 */
const layers = ['core', 'serdes', 'streams', 'connect', 'cli']

/** Anything outside layer L (other than tests) may only import L through `L/index.ts`. */
const deepImportRules = layers.map((layer) => ({
  name: `no-deep-import-${layer}`,
  comment: `Outside ${layer}/, import ${layer} only through ${layer}/index.ts (its public API).`,
  severity: 'error',
  from: { path: '^(?!test/)', pathNot: `^${layer}/` },
  to: { path: `^${layer}/`, pathNot: `^${layer}/index\\.ts$` },
}))

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Import cycles make initialisation order fragile and layers inseparable.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-imports-no-other-layer',
      severity: 'error',
      from: { path: '^core/' },
      to: { path: '^(serdes|streams|connect|cli|examples|bench|test)/' },
    },
    {
      name: 'serdes-imports-only-core',
      severity: 'error',
      from: { path: '^serdes/' },
      to: { path: '^(streams|connect|cli|examples|bench|test)/' },
    },
    {
      name: 'streams-not-connect',
      severity: 'error',
      from: { path: '^streams/' },
      to: { path: '^(connect|cli|examples|bench|test)/' },
    },
    {
      name: 'connect-not-streams',
      severity: 'error',
      from: { path: '^connect/' },
      to: { path: '^(streams|cli|examples|bench|test)/' },
    },
    {
      name: 'nothing-imports-examples',
      severity: 'error',
      from: { pathNot: '^examples/' },
      to: { path: '^examples/' },
    },
    {
      name: 'nothing-imports-bench',
      severity: 'error',
      from: { pathNot: '^bench/' },
      to: { path: '^bench/' },
    },
    {
      name: 'nothing-imports-test',
      severity: 'error',
      from: { pathNot: '^test/' },
      to: { path: '^test/' },
    },
    ...deepImportRules,
    {
      name: 'not-to-unresolvable',
      comment: 'An import that does not resolve is a typo or a missing dependency.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
    },
  },
}
