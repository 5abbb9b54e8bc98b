// The architecture rules `npm test` enforces (test/architecture/dependencies.test.ts runs depcruise with this file).
// The cell library (what a notebook imports) and the Jupyter tooling share one package; the library never imports
// the tooling, so it runs anywhere (plain Node, tslab, any kernel) and the tooling can change without touching it.
const LIBRARY = '^src/(data|train|io|display|text|vision|runtime|patches|checks)/|^src/index\\.ts$';
const TOOLING = '^src/(kernel|jupyter|notebook|cli)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'library-never-imports-tooling',
      comment: 'The cell library (data, train, io, display, text, vision, runtime, patches, index.ts) must not import the Jupyter tooling (kernel, jupyter, notebook, cli). Move what both need into src/runtime/.',
      severity: 'error',
      from: { path: LIBRARY },
      to: { path: TOOLING },
    },
    {
      name: 'library-never-imports-tslab-patches',
      comment: "tslab's patches (src/patches/tslab-*) serve the kernel only; the cell library must not load them.",
      severity: 'error',
      from: { path: LIBRARY, pathNot: '^src/patches/tslab-' },
      to: { path: '^src/patches/tslab-' },
    },
    {
      name: 'runtime-imports-only-runtime',
      comment: 'src/runtime/ is the small state the library and the kernel share; it depends on nothing else in src/.',
      severity: 'error',
      from: { path: '^src/runtime/' },
      to: { path: '^src/', pathNot: '^src/runtime/' },
    },
    {
      name: 'jupyter-client-never-imports-runner-or-kernel',
      comment: 'src/jupyter (wire protocol, kernel client, kernelspecs) is used by the runner, the exporter, the CLI and the kernel; it imports none of them.',
      severity: 'error',
      from: { path: '^src/jupyter/' },
      to: { path: '^src/(notebook|cli|kernel)/' },
    },
    {
      name: 'kernel-never-imports-runner-or-cli',
      comment: 'The kernel runs cells; the runner and the CLI start it as a process, never the other way round.',
      severity: 'error',
      from: { path: '^src/kernel/' },
      to: { path: '^src/(notebook|cli)/' },
    },
    {
      name: 'no-circular',
      comment: 'Modules must not depend on each other in a cycle.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/train/native/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
