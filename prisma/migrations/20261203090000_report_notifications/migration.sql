-- AlterTable
ALTER TABLE "IncidentReport" ADD COLUMN     "notifiedAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "IncidentReport_notifiedAt_idx" ON "IncidentReport"("notifiedAt");


-- Reports received before this were each emailed when they arrived.
UPDATE "IncidentReport" SET "notifiedAt" = "receivedAt";
