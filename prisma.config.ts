// Prisma CLI configuration: JS engine with the pg driver adapter (Prisma 7 and the native
// engines cannot be downloaded here; see TOOLCHAIN.md).
process.env.DATABASE_URL ??= 'postgresql://localhost:5432/unused';

import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join('prisma', 'schema.prisma'),
  adapter: async () => new PrismaPg({ connectionString: process.env.DATABASE_URL! }),
});
