// The CLI and the plugin API as the package ships them (issue #12): one esbuild bundle with
// its dependencies inside, split in chunks so live-only code (client-node, the Google
// credentials, the fleet) still loads only when a command needs it. A production install
// then writes no dependencies at all. `npm run build` runs it after tsc (which still emits
// the type declarations).
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { URL, fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../', import.meta.url));
const require = createRequire(import.meta.url);

/**
 * gke-doctor uses only client-node's KubeConfig (its own transport does the requests). The
 * package's index re-exports every generated API and model (15 MB bundled), which nothing
 * here calls: take KubeConfig from the module that defines it.
 */
const kubeConfigOnly = {
  name: 'client-node-kubeconfig',
  setup(builder) {
    builder.onResolve({ filter: /^@kubernetes\/client-node$/ }, () => ({ path: require.resolve('@kubernetes/client-node/dist/config.js') }));
  },
};

/**
 * `await import('lilconfig')` of a CommonJS package, split into its own chunk, gives only
 * `default` in esbuild's output, where Node gives the named exports too. A small ES module
 * in front of each such package names its exports (read from the package at build time).
 */
const namedCommonJsExports = {
  name: 'named-commonjs-exports',
  setup(builder) {
    builder.onResolve({ filter: /^[^./]/ }, (args) =>
      args.kind === 'dynamic-import' && args.path !== '@kubernetes/client-node' ? { path: args.path, namespace: 'named-exports' } : undefined,
    );
    builder.onLoad({ filter: /.*/, namespace: 'named-exports' }, (args) => {
      const names = Object.keys(require(args.path)).filter((name) => name !== 'default' && /^[A-Za-z_$][\w$]*$/.test(name));
      const specifier = JSON.stringify(args.path);
      return { resolveDir: root, contents: `import * as module from ${specifier};\nexport const { ${names.join(', ')} } = module;\nexport default module.default;\n` };
    });
  },
};

/**
 * The data-shape validators, compiled at build time into ajv's standalone code: compiling
 * them at run time took about half of a `check --snapshot` run. The same schemas and ajv
 * options as src/state/shape-validators.ts, which this replaces in the bundle (from tsc's
 * output of the schemas, built just before).
 */
const precompiledShapeValidators = {
  name: 'precompiled-shape-validators',
  setup(builder) {
    builder.onLoad({ filter: /src\/state\/shape-validators\.ts$/ }, async () => {
      const { SHAPE_SCHEMAS, SHAPE_AJV_OPTIONS } = await import(pathToFileURL(join(root, 'dist/src/state/data-shape-schemas.js')).href);
      const { Ajv } = require('ajv');
      const standaloneCode = require('ajv/dist/standalone').default;
      const ajv = new Ajv({ ...SHAPE_AJV_OPTIONS, code: { source: true, esm: true } });
      const names = Object.keys(SHAPE_SCHEMAS);
      for (const name of names) ajv.addSchema(SHAPE_SCHEMAS[name], name);
      const code = standaloneCode(ajv, Object.fromEntries(names.map((name) => [name, name])));
      const validators = `{ ${names.map((name) => `${JSON.stringify(name)}: ${name}`).join(', ')} }`;
      return { resolveDir: root, loader: 'js', contents: `${code}\nexport function shapeValidators() { return Promise.resolve(${validators}); }\n` };
    });
  },
};

/**
 * `node:http` through require. An ES import of it makes Node 22 build every one of its exports,
 * the WebSocket classes among them, which load undici: ~70 ms of CPU at start (bench/notes.md,
 * Start-up), where require loads http alone. Our code and client-node import it; each import
 * gets this module instead, with the exports that are plain values (no getter is read).
 */
const httpThroughRequire = {
  name: 'http-through-require',
  setup(builder) {
    builder.onResolve({ filter: /^(node:)?http$/ }, (args) => (args.kind === 'import-statement' ? { path: 'node:http', namespace: 'http-through-require' } : undefined));
    builder.onLoad({ filter: /.*/, namespace: 'http-through-require' }, () => {
      const http = require('node:http');
      const names = Object.keys(http).filter((name) => !Object.getOwnPropertyDescriptor(http, name).get);
      return {
        resolveDir: root,
        contents: `import { createRequire } from 'node:module';\nconst http = createRequire(import.meta.url)('node:http');\nexport default http;\nexport const { ${names.join(', ')} } = http;\n`,
      };
    });
  },
};

// A clean directory: chunks of an earlier build would otherwise be packed too.
rmSync(join(root, 'dist/bundle'), { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: { cli: 'src/cli/main.ts', index: 'src/index.ts' },
  // Two levels below the package root, as dist/src/ was: package.json and schema/ are found the same way.
  outdir: 'dist/bundle',
  chunkNames: '[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  // Error classes are told apart by name in places; stack traces never reach users anyway.
  keepNames: true,
  legalComments: 'none',
  metafile: true,
  plugins: [httpThroughRequire, namedCommonJsExports, kubeConfigOnly, precompiledShapeValidators],
  // CommonJS code inside the ES module bundle still calls require() for Node's built-ins.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: 'warning',
});

// Which sources went into which chunk, for `esbuild --analyze`-style questions (bench/notes.md, Start-up); not packed.
writeFileSync(join(root, 'dist/bundle-meta.json'), JSON.stringify(result.metafile));

/** The licence of every package inside the bundle, as their licences ask when they are redistributed. */
const packages = new Set();
for (const input of Object.keys(result.metafile.inputs)) {
  const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (match) packages.add(match[1]);
}
const notices = [...packages].sort().map((directory) => {
  const { name, version, license } = JSON.parse(readFileSync(join(root, directory, 'package.json'), 'utf8'));
  const file = readdirSync(join(root, directory)).find((entry) => /^(licen[cs]e|copying)/i.test(entry));
  return `${name}@${version} (${license ?? 'see package'})\n\n${file ? readFileSync(join(root, directory, file), 'utf8').trim() : ''}\n`;
});
writeFileSync(join(root, 'dist/bundle/THIRD-PARTY-LICENSES.txt'), `Packages bundled into gke-doctor's dist/bundle:\n\n${notices.join('\n---\n\n')}`);
