-- The maladministration alert job looks every minute for recent responses with a report. A partial
-- index holds only those rows (a small fraction), so the look-up does not scan recent responses of
-- every unit. Prisma's schema language cannot express a partial index: it lives here only.
CREATE INDEX "Response_maladmin_submittedAt_idx" ON "Response" ("submittedAt") WHERE "maladminCount" > 0;
