-- What the bot sent on WhatsApp, by message id, so that a retry receipt (a phone that could not
-- decrypt a message) can be answered with the original; pruned after WHATSAPP_SENT_RETENTION_HOURS.

-- CreateTable
CREATE TABLE "WhatsAppSentMessage" (
    "id" TEXT NOT NULL,
    "message" JSONB NOT NULL,
    "sentAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WhatsAppSentMessage_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "WhatsAppSentMessage_sentAt_idx" ON "WhatsAppSentMessage"("sentAt");
