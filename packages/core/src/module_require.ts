import { createRequire } from 'node:module';

/**
 * A `require` rooted at this package, in both builds: the CJS bundle has
 * `__filename` and an empty `import.meta`, the ESM bundle the reverse. Used
 * for optional and data packages that must be resolved at run time.
 */
export function moduleRequire(): NodeRequire {
  return typeof __filename === 'string' ? createRequire(__filename) : createRequire(import.meta.url);
}
