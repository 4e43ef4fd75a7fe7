-- The spam check's queue, from inbound rollups of an MTA that scans: for the arrival estimate.
-- AlterTable
ALTER TABLE "MailMetricRollup" ADD COLUMN "scanAhead" INTEGER;
ALTER TABLE "MailMetricRollup" ADD COLUMN "scanned" INTEGER;

