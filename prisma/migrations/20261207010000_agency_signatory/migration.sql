-- The signature block of the official SKM report (PDF): who signs for the agency, with NIP and
-- position, and the place written before the date. Empty until set with `skm agency set`; the
-- report then leaves lines to fill in by hand.
ALTER TABLE "Agency" ADD COLUMN "signatoryName" TEXT;
ALTER TABLE "Agency" ADD COLUMN "signatoryNip" TEXT;
ALTER TABLE "Agency" ADD COLUMN "signatoryTitle" TEXT;
ALTER TABLE "Agency" ADD COLUMN "reportPlace" TEXT;
