-- Per hosted domain inbound delay (issue 16, item 1): the public domain lookup's series.
-- CreateTable
CREATE TABLE "MailDomainBucket" (
    "id" TEXT NOT NULL,
    "resolution" TEXT NOT NULL,
    "domain" TEXT NOT NULL,
    "bucketStart" TIMESTAMP(3) NOT NULL,
    "delivered" INTEGER NOT NULL DEFAULT 0,
    "histogram" TEXT NOT NULL,
    "delayMax" DOUBLE PRECISION,
    "waitingMax" INTEGER NOT NULL DEFAULT 0,
    "oldestAgeMax" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "waitingHistogram" TEXT,
    "waitingAt" TIMESTAMP(3),
    "windows" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "MailDomainBucket_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "MailDomainBucket_bucketStart_idx" ON "MailDomainBucket"("bucketStart");

-- CreateIndex
CREATE UNIQUE INDEX "MailDomainBucket_resolution_domain_bucketStart_key" ON "MailDomainBucket"("resolution", "domain", "bucketStart");

