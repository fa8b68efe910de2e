-- CreateTable
CREATE TABLE "IncidentReport" (
    "id" TEXT NOT NULL,
    "reference" TEXT NOT NULL,
    "receiptHash" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "reporterRole" TEXT NOT NULL,
    "incidentTypes" TEXT[],
    "strands" TEXT[],
    "incidentMonth" TEXT,
    "incidentDateKnown" BOOLEAN NOT NULL DEFAULT false,
    "happenedBefore" TEXT,
    "area" TEXT,
    "placeType" TEXT,
    "anyoneHurt" TEXT,
    "needsHelpNow" BOOLEAN NOT NULL DEFAULT false,
    "offenderCount" TEXT,
    "policeTold" TEXT,
    "wants" TEXT[],
    "anonymous" BOOLEAN NOT NULL,
    "ageBand" TEXT,
    "postcodeDistrict" TEXT,
    "relationship" TEXT,
    "narrative" TEXT,
    "incidentDate" TEXT,
    "location" TEXT,
    "offenders" TEXT,
    "crimeReference" TEXT,
    "contact" TEXT,
    "personalDataDeletedAt" TIMESTAMP(3),
    "closedAt" TIMESTAMP(3),
    "followUpFailures" INTEGER NOT NULL DEFAULT 0,
    "followUpLockedUntil" TIMESTAMP(3),

    CONSTRAINT "IncidentReport_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReportMessage" (
    "id" TEXT NOT NULL,
    "reportId" TEXT NOT NULL,
    "fromReporter" BOOLEAN NOT NULL,
    "authorId" INTEGER,
    "body" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "readAt" TIMESTAMP(3),

    CONSTRAINT "ReportMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReportDraft" (
    "key" TEXT NOT NULL,
    "csrfToken" TEXT NOT NULL,
    "answers" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ReportDraft_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "RateLimitHit" (
    "key" TEXT NOT NULL,
    "resetAt" TIMESTAMP(3) NOT NULL,
    "hits" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "RateLimitHit_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE UNIQUE INDEX "IncidentReport_reference_key" ON "IncidentReport"("reference");

-- CreateIndex
CREATE INDEX "IncidentReport_receivedAt_idx" ON "IncidentReport"("receivedAt");

-- CreateIndex
CREATE INDEX "IncidentReport_personalDataDeletedAt_idx" ON "IncidentReport"("personalDataDeletedAt");

-- CreateIndex
CREATE INDEX "ReportMessage_reportId_createdAt_idx" ON "ReportMessage"("reportId", "createdAt");

-- CreateIndex
CREATE INDEX "ReportDraft_expiresAt_idx" ON "ReportDraft"("expiresAt");

-- CreateIndex
CREATE INDEX "RateLimitHit_resetAt_idx" ON "RateLimitHit"("resetAt");

-- AddForeignKey
ALTER TABLE "ReportMessage" ADD CONSTRAINT "ReportMessage_reportId_fkey" FOREIGN KEY ("reportId") REFERENCES "IncidentReport"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReportMessage" ADD CONSTRAINT "ReportMessage_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

