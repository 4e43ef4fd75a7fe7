-- Bounces and complaints that come back for a notice copy (lib/notices/bounces).
-- AlterTable
ALTER TABLE "NoticeDelivery" ADD COLUMN "bounceDiagnostic" TEXT;
ALTER TABLE "NoticeDelivery" ADD COLUMN "bounceKind" TEXT;
ALTER TABLE "NoticeDelivery" ADD COLUMN "bouncedAt" DATETIME;

-- CreateIndex
CREATE INDEX "NoticeDelivery_subscriberId_createdAt_idx" ON "NoticeDelivery"("subscriberId", "createdAt");

