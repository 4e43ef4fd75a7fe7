-- DropIndex
DROP INDEX "MailMetricRollup_source_windowStart_key";

-- DropIndex
DROP INDEX "MailMetricBucket_resolution_bucketStart_key";

-- AlterTable
ALTER TABLE "MailMetricRollup" ADD COLUMN     "destinationHistogram" TEXT,
ADD COLUMN     "flow" TEXT NOT NULL DEFAULT 'inbound',
ADD COLUMN     "topDestinations" TEXT,
ADD COLUMN     "waitingHistogram" TEXT;

-- AlterTable
ALTER TABLE "MailMetricBucket" ADD COLUMN     "flow" TEXT NOT NULL DEFAULT 'inbound';

-- AlterTable
ALTER TABLE "ComponentMetricRule" ADD COLUMN     "flow" TEXT NOT NULL DEFAULT 'inbound';

-- CreateIndex
CREATE INDEX "MailMetricRollup_flow_windowStart_idx" ON "MailMetricRollup"("flow", "windowStart");

-- CreateIndex
CREATE UNIQUE INDEX "MailMetricRollup_source_flow_windowStart_key" ON "MailMetricRollup"("source", "flow", "windowStart");

-- CreateIndex
CREATE UNIQUE INDEX "MailMetricBucket_resolution_flow_bucketStart_key" ON "MailMetricBucket"("resolution", "flow", "bucketStart");

