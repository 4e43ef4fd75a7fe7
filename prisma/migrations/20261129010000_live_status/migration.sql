-- AlterTable
ALTER TABLE "Incident" ADD COLUMN "autoComponentId" TEXT;

-- AlterTable
ALTER TABLE "IncidentWindow" ADD COLUMN "maxDelayS" REAL;
ALTER TABLE "IncidentWindow" ADD COLUMN "messagesAffected" INTEGER;

-- CreateTable
CREATE TABLE "MailMetricBucket" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "resolution" TEXT NOT NULL,
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

-- CreateTable
CREATE TABLE "ComponentMetricRule" (
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
    CONSTRAINT "ComponentMetricRule_componentId_fkey" FOREIGN KEY ("componentId") REFERENCES "Component" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Component" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "slug" TEXT NOT NULL,
    "nameJa" TEXT NOT NULL,
    "nameEn" TEXT NOT NULL,
    "descriptionJa" TEXT NOT NULL DEFAULT '',
    "descriptionEn" TEXT NOT NULL DEFAULT '',
    "position" INTEGER NOT NULL DEFAULT 0,
    "status" TEXT NOT NULL DEFAULT 'operational',
    "overrideStatus" TEXT,
    "noData" BOOLEAN NOT NULL DEFAULT false,
    "currentValue" REAL,
    "groupId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Component_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "ComponentGroup" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Component" ("createdAt", "descriptionEn", "descriptionJa", "groupId", "id", "nameEn", "nameJa", "position", "slug", "status", "updatedAt") SELECT "createdAt", "descriptionEn", "descriptionJa", "groupId", "id", "nameEn", "nameJa", "position", "slug", "status", "updatedAt" FROM "Component";
DROP TABLE "Component";
ALTER TABLE "new_Component" RENAME TO "Component";
CREATE UNIQUE INDEX "Component_slug_key" ON "Component"("slug");
CREATE INDEX "Component_groupId_position_idx" ON "Component"("groupId", "position");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "MailMetricBucket_resolution_bucketStart_key" ON "MailMetricBucket"("resolution", "bucketStart");

-- CreateIndex
CREATE UNIQUE INDEX "ComponentMetricRule_componentId_key" ON "ComponentMetricRule"("componentId");

