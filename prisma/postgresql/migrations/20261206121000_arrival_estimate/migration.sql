-- AlterTable
ALTER TABLE "MailMetricRollup" ADD COLUMN     "scanAhead" INTEGER,
ADD COLUMN     "scanned" INTEGER;

