/**
 * The import rules of src/ (docs/architecture.md), checked by test/architecture/importGraph.test.ts
 * and by `npx depcruise src`: no cycles (type-only imports included), the CLI on top, the engine
 * above the components it drives (sources, records, windows, profiles, checks, reports, sinks,
 * alerts, hooks, …), which never import it.
 */
module.exports = {
  forbidden: [
    { name: "no-circular", comment: "an import cycle, type-only imports included", severity: "error", from: {}, to: { circular: true } },
    { name: "cli-on-top", comment: "only the CLI imports the CLI", severity: "error", from: { pathNot: "(^|/)src/cli/" }, to: { path: "(^|/)src/cli/" } },
    {
      name: "engine-above-components",
      comment: "a component below the engine imports the engine: move the shared contract or type down (e.g. src/reports/, src/hooks/Preprocessor.ts)",
      severity: "error",
      from: { pathNot: "(^|/)src/(cli|engine)/" },
      to: { path: "(^|/)src/engine/" },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    doNotFollow: { path: "node_modules" },
  },
};
