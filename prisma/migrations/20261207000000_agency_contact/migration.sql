-- The privacy notice names the agency as data controller and says how to reach it: contact fields
-- on the agency (set with `skm agency set`, imported with the units). A consent records which
-- agency's notice was agreed to.

-- AlterTable
ALTER TABLE "Agency" ADD COLUMN     "contactAddress" TEXT,
ADD COLUMN     "contactEmail" TEXT,
ADD COLUMN     "contactPhone" TEXT;

-- AlterTable
ALTER TABLE "Consent" ADD COLUMN     "agencyId" INTEGER;
