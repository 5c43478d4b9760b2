// A bundled Worker behind a wrapper entry module, without touching the bundle: the wrapper re-exports
// it and may replace an export (say, a Durable Object class subclassed for the benchmark). The same
// mechanism as probe.mjs, for any wrapper.
import { dirname, join } from "node:path";

/**
 * Worker options (v4 shape, with `scriptPath` to a bundle) turned into the same Worker whose entry is
 * `source(bundleFile)`: an ES module next to the bundle that imports it as `./<bundleFile>`.
 * Local exports of the wrapper win over its `export * from` the bundle.
 * @param {Record<string, unknown> & { scriptPath: string, modulesRoot?: string }} worker
 * @param {(bundleFile: string) => string} source
 * @param {string} [fileName]  the wrapper's module name (must not clash with the bundle's files)
 */
export function wrapBundle(worker, source, fileName = "bench-wrapper.js") {
  const { scriptPath, modulesRoot, modules: _modules, ...options } = worker;
  const root = modulesRoot ?? dirname(scriptPath);
  const bundle = scriptPath.slice(root.length + 1);
  return {
    ...options,
    modulesRoot: root,
    modules: [
      { type: "ESModule", path: join(root, fileName), contents: source(bundle) },
      { type: "ESModule", path: scriptPath },
    ],
  };
}

/**
 * A wrapper that re-exports a bundle and replaces its class `className` by a subclass whose constructor
 * runs `afterConstruct` (JavaScript source of a function body, with `this` the new object).
 */
export function subclassWrapper(className, afterConstruct) {
  return (bundle) => `import { ${className} as Original } from "./${bundle}";
export * from "./${bundle}";
export { default } from "./${bundle}";

export class ${className} extends Original {
  constructor(...args) {
    super(...args);
    ${afterConstruct}
  }
}
`;
}
