-- Public results pages (/<agency>, /<agency>/<unit>, /<agency>/tv).
-- An agency chooses whether its scores are public (on unless switched off: SKM results must be
-- published). A citizen's suggestion is shown there only after an official approved it (/saran):
-- "approved" or "hidden", null while nobody has looked at it. Who decided is in AuditLog.
ALTER TABLE "Agency" ADD COLUMN "publicScores" BOOLEAN NOT NULL DEFAULT true;
ALTER TABLE "Response" ADD COLUMN "suggestionState" TEXT,
  ADD COLUMN "reviewedAt" TIMESTAMP(3);
-- The pages read the latest approved suggestions of a unit: a partial index holds only those rows.
-- Prisma's schema language cannot express a partial index: it lives here only.
CREATE INDEX "Response_approved_suggestion_idx" ON "Response" ("unitId", "reviewedAt") WHERE "suggestionState" = 'approved';
