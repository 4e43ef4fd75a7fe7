-- Inbound and outbound mail measured apart: every rollup, series bucket and rule names its flow.
-- Rows from before were measured mixed and count as inbound, which is what they drove.
-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_MailMetricRollup" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "source" TEXT NOT NULL,
    "flow" TEXT NOT NULL DEFAULT 'inbound',
    "windowStart" DATETIME NOT NULL,
    "windowSeconds" INTEGER NOT NULL,
    "delivered" INTEGER NOT NULL,
    "deferred" INTEGER NOT NULL DEFAULT 0,
    "bounced" INTEGER NOT NULL DEFAULT 0,
    "delayP50" REAL,
    "delayP95" REAL,
    "delayMax" REAL,
    "histogram" TEXT NOT NULL,
    "queueDepth" INTEGER NOT NULL,
    "oldestAgeS" REAL NOT NULL,
    "waitingHistogram" TEXT,
    "destinationHistogram" TEXT,
    "topDestinations" TEXT,
    "accepted" INTEGER NOT NULL DEFAULT 0,
    "rejected" TEXT NOT NULL DEFAULT '{}',
    "scanPolicy" TEXT NOT NULL,
    "scanBypassing" BOOLEAN NOT NULL DEFAULT false,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO "new_MailMetricRollup" ("accepted", "bounced", "deferred", "delayMax", "delayP50", "delayP95", "delivered", "histogram", "id", "oldestAgeS", "queueDepth", "receivedAt", "rejected", "scanBypassing", "scanPolicy", "source", "windowSeconds", "windowStart") SELECT "accepted", "bounced", "deferred", "delayMax", "delayP50", "delayP95", "delivered", "histogram", "id", "oldestAgeS", "queueDepth", "receivedAt", "rejected", "scanBypassing", "scanPolicy", "source", "windowSeconds", "windowStart" FROM "MailMetricRollup";
DROP TABLE "MailMetricRollup";
ALTER TABLE "new_MailMetricRollup" RENAME TO "MailMetricRollup";
CREATE INDEX "MailMetricRollup_flow_windowStart_idx" ON "MailMetricRollup"("flow", "windowStart");
CREATE INDEX "MailMetricRollup_windowStart_idx" ON "MailMetricRollup"("windowStart");
CREATE UNIQUE INDEX "MailMetricRollup_source_flow_windowStart_key" ON "MailMetricRollup"("source", "flow", "windowStart");
CREATE TABLE "new_MailMetricBucket" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "resolution" TEXT NOT NULL,
    "flow" TEXT NOT NULL DEFAULT 'inbound',
    "bucketStart" DATETIME NOT NULL,
    "delivered" INTEGER NOT NULL DEFAULT 0,
    "deferred" INTEGER NOT NULL DEFAULT 0,
    "bounced" INTEGER NOT NULL DEFAULT 0,
    "histogram" TEXT NOT NULL,
    "delayMax" REAL,
    "queueDepthMax" INTEGER NOT NULL DEFAULT 0,
    "oldestAgeMax" REAL NOT NULL DEFAULT 0,
    "accepted" INTEGER NOT NULL DEFAULT 0,
    "rejected" TEXT NOT NULL DEFAULT '{}',
    "windows" INTEGER NOT NULL DEFAULT 0
);
INSERT INTO "new_MailMetricBucket" ("accepted", "bounced", "bucketStart", "deferred", "delayMax", "delivered", "histogram", "id", "oldestAgeMax", "queueDepthMax", "rejected", "resolution", "windows") SELECT "accepted", "bounced", "bucketStart", "deferred", "delayMax", "delivered", "histogram", "id", "oldestAgeMax", "queueDepthMax", "rejected", "resolution", "windows" FROM "MailMetricBucket";
DROP TABLE "MailMetricBucket";
ALTER TABLE "new_MailMetricBucket" RENAME TO "MailMetricBucket";
CREATE UNIQUE INDEX "MailMetricBucket_resolution_flow_bucketStart_key" ON "MailMetricBucket"("resolution", "flow", "bucketStart");
CREATE TABLE "new_ComponentMetricRule" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "componentId" TEXT NOT NULL,
    "metric" TEXT NOT NULL DEFAULT 'mail_delay',
    "flow" TEXT NOT NULL DEFAULT 'inbound',
    "degradedAboveS" REAL NOT NULL,
    "partialAboveS" REAL NOT NULL,
    "majorAboveS" REAL NOT NULL,
    "enterWindows" INTEGER NOT NULL DEFAULT 2,
    "leaveAfterS" INTEGER NOT NULL DEFAULT 300,
    "noDataAfterS" INTEGER NOT NULL DEFAULT 180,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "ruleStatus" TEXT NOT NULL DEFAULT 'operational',
    "candidateStatus" TEXT,
    "candidateCount" INTEGER NOT NULL DEFAULT 0,
    "betterSince" DATETIME,
    "betterWorst" TEXT,
    "lastWindowAt" DATETIME,
    "lastDataAt" DATETIME,
    "updatedAt" DATETIME NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "ComponentMetricRule_componentId_fkey" FOREIGN KEY ("componentId") REFERENCES "Component" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_ComponentMetricRule" ("betterSince", "betterWorst", "candidateCount", "candidateStatus", "componentId", "degradedAboveS", "enabled", "enterWindows", "id", "lastDataAt", "lastWindowAt", "leaveAfterS", "majorAboveS", "metric", "noDataAfterS", "partialAboveS", "ruleStatus", "updatedAt", "version") SELECT "betterSince", "betterWorst", "candidateCount", "candidateStatus", "componentId", "degradedAboveS", "enabled", "enterWindows", "id", "lastDataAt", "lastWindowAt", "leaveAfterS", "majorAboveS", "metric", "noDataAfterS", "partialAboveS", "ruleStatus", "updatedAt", "version" FROM "ComponentMetricRule";
DROP TABLE "ComponentMetricRule";
ALTER TABLE "new_ComponentMetricRule" RENAME TO "ComponentMetricRule";
CREATE UNIQUE INDEX "ComponentMetricRule_componentId_key" ON "ComponentMetricRule"("componentId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

