// The interface plugins write checks against (README: Writing a check). Its declarations name
// no dependency's types: the package's dependencies are bundled, not installed (src/plugin-api.ts).
export * from './plugin-api.js';
