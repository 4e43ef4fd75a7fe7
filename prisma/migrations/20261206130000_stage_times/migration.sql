-- Where the time went, per window: for the final report's draft.
-- AlterTable
ALTER TABLE "MailMetricRollup" ADD COLUMN "stageP95" TEXT;
