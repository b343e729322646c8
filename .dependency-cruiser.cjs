/**
 * The architecture's import rules, checked in CI (`npm run depcheck`). Type-only imports count:
 * a layer that needs another's types depends on it.
 */
/**
 * Only the composition root (`src/startService.ts`) and `folder` itself import `src/<folder>/`.
 * @returns {import('dependency-cruiser').IForbiddenRuleType}
 */
function onlyFromStartService(name, folder, comment) {
  return {
    name,
    severity: 'error',
    comment,
    from: { path: '^src/', pathNot: `^src/(${folder}/|startService\\.ts$)` },
    to: { path: `^src/${folder}/` },
  };
}

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules form a tree of layers: a cycle means two of them are really one.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-not-on-http',
      severity: 'error',
      comment: 'HTTP is one way in among others (WebSocket, webhooks): the core does not know it.',
      from: { path: '^src/(realtime|chain|access|auth|rooms|presence|pipeline|store|scaleout|tokens)/' },
      to: { path: '^src/http/' },
    },
    {
      name: 'store-stays-low-level',
      severity: 'error',
      comment: 'store/ holds low-level stores; replication that knows the hub or presence is scaleout/.',
      from: { path: '^src/store/' },
      to: { path: '^src/(realtime|presence|rooms|pipeline|scaleout)/' },
    },
    onlyFromStartService(
      'devchain-only-from-startService',
      'devchain',
      'The dev chain is a development tool: only the composition root may load it (lazily).',
    ),
    {
      name: 'devchain-loaded-lazily',
      severity: 'error',
      comment: 'startService loads the dev chain at run time only when it starts one (not in production).',
      from: { path: '^src/startService\\.ts$' },
      to: { path: '^src/devchain/', dependencyTypesNot: ['dynamic-import', 'type-only'] },
    },
    onlyFromStartService(
      'scaleout-is-an-extension',
      'scaleout',
      'Redis replication plugs into interfaces the core owns; the core never imports it.',
    ),
    onlyFromStartService(
      'stages-above-domains',
      'pipeline',
      'The block pipeline composes the domains; a domain does not know where it sits in it.',
    ),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.json'],
    },
  },
};
