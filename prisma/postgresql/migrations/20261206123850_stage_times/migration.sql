-- AlterTable
ALTER TABLE "MailMetricRollup" ADD COLUMN     "stageP95" TEXT;

