-- CreateTable
CREATE TABLE "WhatsAppAuth" (
    "type" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WhatsAppAuth_pkey" PRIMARY KEY ("type","id")
);

-- CreateTable
CREATE TABLE "WhatsAppAlias" (
    "aliasKey" TEXT NOT NULL,
    "canonicalKey" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WhatsAppAlias_pkey" PRIMARY KEY ("aliasKey")
);

-- CreateIndex
CREATE INDEX "WhatsAppAlias_canonicalKey_idx" ON "WhatsAppAlias"("canonicalKey");

