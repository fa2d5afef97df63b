// Telling "the database cannot be reached right now" (stopped, restarting, network, pool exhausted)
// from every other error: the first is an operational state to wait out and retry, not a bug.
const CODES = new Set([
  // Node / pg connection errors
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  // PostgreSQL: connection exceptions, shutting down, not yet accepting connections
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '57P01',
  '57P02',
  '57P03',
  // Prisma: can't reach the server, server closed the connection, timed out waiting for the pool
  'P1001',
  'P1002',
  'P1017',
  'P2024',
]);
const KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
const MESSAGES = [
  /Connection terminated/i,
  /connection (?:is )?closed/i,
  /Can't reach database server/i,
  /terminating connection/i,
  /the database system is (?:starting up|shutting down)/i,
  // node-postgres: no pooled connection came free in time; a connection that broke meanwhile
  /timeout exceeded when trying to connect/i,
  /encountered a connection error and is not queryable/i,
];

export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current !== null && typeof current === 'object'; depth++) {
    const e = current as { code?: unknown; kind?: unknown; message?: unknown; cause?: unknown; originalCode?: unknown };
    if (typeof e.code === 'string' && CODES.has(e.code)) return true;
    if (typeof e.originalCode === 'string' && CODES.has(e.originalCode)) return true;
    if (typeof e.kind === 'string' && KINDS.has(e.kind)) return true;
    if (typeof e.message === 'string' && MESSAGES.some((m) => m.test(e.message as string))) return true;
    current = e.cause;
  }
  return false;
}
