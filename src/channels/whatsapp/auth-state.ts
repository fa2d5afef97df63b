// The Baileys auth state in PostgreSQL (table WhatsAppAuth): the credentials as one row (type
// "creds", id "") and every signal key (sessions, pre-keys, sender keys, app-state keys, LID
// mappings, device lists...) as one row per type and id, in Baileys' BufferJSON form. A restart
// reloads it and reconnects without pairing again; `skm whatsapp link` creates it.
//
// keys.set writes all the types and ids it is given in one statement, so one transaction: a
// failure leaves none of them written (Baileys batches the keys of one message and expects that).
import {
  type AuthenticationCreds,
  type AuthenticationState,
  BufferJSON,
  initAuthCreds,
  makeCacheableSignalKeyStore,
  proto,
  type SignalDataSet,
  type SignalDataTypeMap,
  type SignalKeyStore,
} from '@whiskeysockets/baileys';
import type { Db } from '../../db/client.js';

const CREDS = { type: 'creds', id: '' } as const;

export interface PostgresAuthState {
  /** For makeWASocket's `auth`. */
  state: AuthenticationState;
  /** Stores the credentials (call it on every `creds.update`). */
  saveCreds: () => Promise<void>;
  /** Deletes the whole session (credentials and keys): the next start needs a new pairing. */
  clear: () => Promise<void>;
  /** The store without the in-memory cache (tests and tools). */
  store: SignalKeyStore;
}

export interface AuthStateOptions {
  /** Keep recently used keys in memory (Baileys' makeCacheableSignalKeyStore); default true. */
  cache?: boolean;
  /** Baileys-compatible logger for the cache's trace output. */
  logger?: Parameters<typeof makeCacheableSignalKeyStore>[1];
}

/** A value as stored: Buffers and Uint8Arrays become `{ type: 'Buffer', data: <base64> }`. */
export function toStored(value: unknown): string {
  return JSON.stringify(value, BufferJSON.replacer);
}

/** A stored value back to what Baileys wrote (Buffers restored). */
export function fromStored<T>(value: unknown): T {
  return JSON.parse(JSON.stringify(value), BufferJSON.reviver) as T;
}

/** Whether a stored session exists and was paired (without building a socket). */
export async function isLinked(db: Db): Promise<boolean> {
  const row = await db.whatsAppAuth.findUnique({ where: { type_id: CREDS } });
  return row ? fromStored<AuthenticationCreds>(row.value).registered === true : false;
}

/** Deletes every WhatsAppAuth row: the session is gone and must be paired again. */
export async function clearAuthState(db: Db): Promise<void> {
  await db.whatsAppAuth.deleteMany({});
}

function keyStore(db: Db): SignalKeyStore {
  return {
    async get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
      const result: { [id: string]: SignalDataTypeMap[T] } = {};
      if (ids.length === 0) return result;
      const rows = await db.$queryRaw<{ id: string; value: unknown }[]>`
        SELECT id, value FROM "WhatsAppAuth" WHERE type = ${type} AND id = ANY(${ids}::text[])`;
      for (const row of rows) {
        const value = fromStored<SignalDataTypeMap[T]>(row.value);
        result[row.id] =
          type === 'app-state-sync-key' ? (proto.Message.AppStateSyncKeyData.fromObject(value as object) as unknown as SignalDataTypeMap[T]) : value;
      }
      return result;
    },
    async set(data: SignalDataSet) {
      const upsert: { type: string[]; id: string[]; value: string[] } = { type: [], id: [], value: [] };
      const remove: { type: string[]; id: string[] } = { type: [], id: [] };
      for (const [type, entries] of Object.entries(data)) {
        for (const [id, value] of Object.entries(entries ?? {})) {
          if (value === null || value === undefined) {
            remove.type.push(type);
            remove.id.push(id);
          } else {
            upsert.type.push(type);
            upsert.id.push(id);
            upsert.value.push(toStored(value));
          }
        }
      }
      if (upsert.type.length === 0 && remove.type.length === 0) return;
      // One statement: the deletions and the writes commit together or not at all.
      await db.$executeRaw`
        WITH removed AS (
          DELETE FROM "WhatsAppAuth" a
          USING unnest(${remove.type}::text[], ${remove.id}::text[]) AS r(type, id)
          WHERE a.type = r.type AND a.id = r.id
        )
        INSERT INTO "WhatsAppAuth" (type, id, value, "updatedAt")
        SELECT u.type, u.id, u.value::jsonb, ${new Date()}
        FROM unnest(${upsert.type}::text[], ${upsert.id}::text[], ${upsert.value}::text[]) AS u(type, id, value)
        ON CONFLICT (type, id) DO UPDATE SET value = EXCLUDED.value, "updatedAt" = EXCLUDED."updatedAt"`;
    },
    async clear() {
      await db.whatsAppAuth.deleteMany({ where: { type: { not: CREDS.type } } });
    },
  };
}

/** Loads (or starts) the session stored in PostgreSQL. */
export async function usePostgresAuthState(db: Db, options: AuthStateOptions = {}): Promise<PostgresAuthState> {
  const row = await db.whatsAppAuth.findUnique({ where: { type_id: CREDS } });
  const creds: AuthenticationCreds = row ? fromStored<AuthenticationCreds>(row.value) : initAuthCreds();
  const store = keyStore(db);
  const keys = options.cache === false ? store : makeCacheableSignalKeyStore(store, options.logger);
  return {
    state: { creds, keys },
    store,
    async saveCreds() {
      const value = toStored(creds);
      await db.$executeRaw`
        INSERT INTO "WhatsAppAuth" (type, id, value, "updatedAt") VALUES (${CREDS.type}, ${CREDS.id}, ${value}::jsonb, ${new Date()})
        ON CONFLICT (type, id) DO UPDATE SET value = EXCLUDED.value, "updatedAt" = EXCLUDED."updatedAt"`;
    },
    async clear() {
      await keys.clear?.();
      await clearAuthState(db);
    },
  };
}
