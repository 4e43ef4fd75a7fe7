import 'server-only';
import { appendFileSync } from 'node:fs';
import { createPrismaClient } from './db-client';
import type { Prisma, PrismaClient } from './generated/prisma/client';
import { env } from './env';

function createClient() {
  const base = createPrismaClient(env.DATABASE_URL);
  const logFile = env.TAYORI_QUERY_LOG;
  if (!logFile) return base;
  // Operators and tests can prove that cached pages cost no query per visitor.
  return base.$extends({
    query: {
      async $allOperations({ model, operation, args, query }) {
        appendFileSync(logFile, `${new Date().toISOString()} ${model ?? '-'}.${operation}\n`);
        return query(args);
      },
    },
  }) as unknown as PrismaClient;
}

const globalForPrisma = globalThis as unknown as { tayoriPrisma?: PrismaClient };

export const db: PrismaClient = globalForPrisma.tayoriPrisma ?? createClient();
globalForPrisma.tayoriPrisma = db;

/** The client or an interactive transaction's: functions that write as part of a larger change take one. */
export type Db = Prisma.TransactionClient;
