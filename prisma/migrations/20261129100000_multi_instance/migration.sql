-- Several site processes on one database: a unique key per component for its open automatic
-- incident, and a version that lets only one process apply a rule evaluation.
-- AlterTable
ALTER TABLE "Incident" ADD COLUMN "autoOpenFor" TEXT;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_ComponentMetricRule" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "componentId" TEXT NOT NULL,
    "metric" TEXT NOT NULL DEFAULT 'mail_delay',
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
INSERT INTO "new_ComponentMetricRule" ("betterSince", "betterWorst", "candidateCount", "candidateStatus", "componentId", "degradedAboveS", "enabled", "enterWindows", "id", "lastDataAt", "lastWindowAt", "leaveAfterS", "majorAboveS", "metric", "noDataAfterS", "partialAboveS", "ruleStatus", "updatedAt") SELECT "betterSince", "betterWorst", "candidateCount", "candidateStatus", "componentId", "degradedAboveS", "enabled", "enterWindows", "id", "lastDataAt", "lastWindowAt", "leaveAfterS", "majorAboveS", "metric", "noDataAfterS", "partialAboveS", "ruleStatus", "updatedAt" FROM "ComponentMetricRule";
DROP TABLE "ComponentMetricRule";
ALTER TABLE "new_ComponentMetricRule" RENAME TO "ComponentMetricRule";
CREATE UNIQUE INDEX "ComponentMetricRule_componentId_key" ON "ComponentMetricRule"("componentId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "Incident_autoOpenFor_key" ON "Incident"("autoOpenFor");


-- An automatic incident open before this migration keeps its key (the latest one per component).
UPDATE "Incident" SET "autoOpenFor" = "autoComponentId"
WHERE "source" = 'auto' AND "status" IN ('investigating', 'identified', 'monitoring') AND "autoComponentId" IS NOT NULL
  AND "id" = (SELECT i2."id" FROM "Incident" i2
              WHERE i2."source" = 'auto' AND i2."status" IN ('investigating', 'identified', 'monitoring') AND i2."autoComponentId" = "Incident"."autoComponentId"
              ORDER BY i2."startedAt" DESC LIMIT 1);
