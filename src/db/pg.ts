// node-postgres, for every module of skm-bot: import it from here, never from 'pg' (ESLint says so
// in src/; a type-only import from 'pg' is fine).
//
// As it loads, pg asks whether it runs on Cloudflare Workers (pg/lib/stream.js). Where Node has no
// `navigator` (Node 20), it answers by constructing a `Response`, and that first touch of the
// global makes Node load its whole fetch implementation (undici): about 50 ms of CPU for a class
// nothing here uses, spent on a first start beside initdb on a two-core server. Hidden while pg
// loads, the global makes the probe answer "no" at once; it is then put back as it was (its lazy
// getter never ran, so `Response` and `fetch` work as before). Node 21+ has `navigator`, and pg asks
// it instead: nothing is hidden there.
import { createRequire } from 'node:module';
import type PgModule from 'pg';

function load(): typeof PgModule {
  const require = createRequire(import.meta.url);
  const response = 'navigator' in globalThis ? undefined : Object.getOwnPropertyDescriptor(globalThis, 'Response');
  if (!response?.configurable) return require('pg') as typeof PgModule;
  Reflect.deleteProperty(globalThis, 'Response');
  try {
    return require('pg') as typeof PgModule;
  } finally {
    Object.defineProperty(globalThis, 'Response', response);
  }
}

const pg = load();
export default pg;
