-- Bounces and complaints that come back for a notice copy (lib/notices/bounces).
-- AlterTable
ALTER TABLE "NoticeDelivery" ADD COLUMN     "bounceDiagnostic" TEXT,
ADD COLUMN     "bounceKind" TEXT,
ADD COLUMN     "bouncedAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "NoticeDelivery_subscriberId_createdAt_idx" ON "NoticeDelivery"("subscriberId", "createdAt");

