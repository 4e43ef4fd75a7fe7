-- Per hosted domain inbound delay (issue 16, item 1): the public domain lookup's series.
-- CreateTable
CREATE TABLE "MailDomainBucket" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "resolution" TEXT NOT NULL,
    "domain" TEXT NOT NULL,
    "bucketStart" DATETIME NOT NULL,
    "delivered" INTEGER NOT NULL DEFAULT 0,
    "histogram" TEXT NOT NULL,
    "delayMax" REAL,
    "waitingMax" INTEGER NOT NULL DEFAULT 0,
    "oldestAgeMax" REAL NOT NULL DEFAULT 0,
    "waitingHistogram" TEXT,
    "waitingAt" DATETIME,
    "windows" INTEGER NOT NULL DEFAULT 0
);

-- CreateIndex
CREATE INDEX "MailDomainBucket_bucketStart_idx" ON "MailDomainBucket"("bucketStart");

-- CreateIndex
CREATE UNIQUE INDEX "MailDomainBucket_resolution_domain_bucketStart_key" ON "MailDomainBucket"("resolution", "domain", "bucketStart");

