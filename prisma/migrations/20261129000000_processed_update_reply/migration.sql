-- The reply an update was given (channel-neutral messages), kept with its claim for the 48 hours the
-- claim is kept: when Telegram delivers an update again because it was not confirmed (the process
-- died between storing and replying), the same reply is sent again instead of nothing.
ALTER TABLE "ProcessedUpdate" ADD COLUMN "reply" JSONB;
