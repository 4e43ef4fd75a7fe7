-- The end-to-end canary's probes (lib/canary).
-- CreateTable
CREATE TABLE "CanaryProbe" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "slot" INTEGER NOT NULL,
    "token" TEXT NOT NULL,
    "recipient" TEXT NOT NULL,
    "sentAt" DATETIME NOT NULL,
    "arrivedAt" DATETIME,
    "junk" BOOLEAN NOT NULL DEFAULT false,
    "error" TEXT,
    "checkedAt" DATETIME
);

-- CreateIndex
CREATE UNIQUE INDEX "CanaryProbe_slot_key" ON "CanaryProbe"("slot");

-- CreateIndex
CREATE UNIQUE INDEX "CanaryProbe_token_key" ON "CanaryProbe"("token");

-- CreateIndex
CREATE INDEX "CanaryProbe_sentAt_idx" ON "CanaryProbe"("sentAt");

