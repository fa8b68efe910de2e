-- Each lead agency records its own quarterly update of an item (issue 11, fault 6). Until now an
-- item led by several agencies had one review that the last to save overwrote. Every existing
-- review, with its history, becomes the update of the agency of the person who wrote it when that
-- agency leads the item (any agency, for an item all agencies lead), else of the item's only lead
-- agency or owner (a coordinator recording on its behalf). A review that fits no agency that way
-- (an item with several leads, written by someone of none of them) becomes a coordinator's summary
-- of the quarter, so its status and commentary are kept too.

-- AlterTable
ALTER TABLE "Review" ADD COLUMN "agencyId" INTEGER;

-- AlterTable
ALTER TABLE "ReviewVersion" ADD COLUMN "replacedVersion" INTEGER;

UPDATE "Review" r SET "agencyId" = CASE
  WHEN r."commitmentId" IS NOT NULL THEN COALESCE(
    (SELECT l."agencyId" FROM "CommitmentLead" l
      WHERE l."commitmentId" = r."commitmentId" AND l."agencyId" = r."authorAgencyId"),
    (SELECT r."authorAgencyId" FROM "Commitment" c WHERE c."id" = r."commitmentId" AND c."allAgencies"),
    (SELECT MIN(l."agencyId") FROM "CommitmentLead" l WHERE l."commitmentId" = r."commitmentId" HAVING COUNT(*) = 1)
  )
  ELSE COALESCE((SELECT k."ownerAgencyId" FROM "Risk" k WHERE k."id" = r."riskId"), r."authorAgencyId")
END;

-- CreateTable
CREATE TABLE "ReviewSummary" (
    "id" SERIAL NOT NULL,
    "commitmentId" INTEGER,
    "riskId" INTEGER,
    "quarter" INTEGER NOT NULL,
    "status" "RagStatus",
    "reason" TEXT NOT NULL DEFAULT '',
    "version" INTEGER NOT NULL DEFAULT 0,
    "authorId" INTEGER,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ReviewSummary_pkey" PRIMARY KEY ("id")
);

INSERT INTO "ReviewSummary" ("commitmentId", "riskId", "quarter", "status", "reason", "version", "authorId", "updatedAt")
SELECT "commitmentId", "riskId", "quarter", "status", "commentary", 1, "authorId", "updatedAt"
FROM "Review" WHERE "agencyId" IS NULL;

DELETE FROM "Review" WHERE "agencyId" IS NULL;

ALTER TABLE "Review" ALTER COLUMN "agencyId" SET NOT NULL;

-- DropIndex
DROP INDEX "Review_commitmentId_quarter_key";

-- DropIndex
DROP INDEX "Review_riskId_quarter_key";

-- CreateIndex
CREATE UNIQUE INDEX "ReviewSummary_commitmentId_quarter_key" ON "ReviewSummary"("commitmentId", "quarter");

-- CreateIndex
CREATE UNIQUE INDEX "ReviewSummary_riskId_quarter_key" ON "ReviewSummary"("riskId", "quarter");

-- CreateIndex
CREATE INDEX "Review_agencyId_idx" ON "Review"("agencyId");

-- CreateIndex
CREATE UNIQUE INDEX "Review_commitmentId_quarter_agencyId_key" ON "Review"("commitmentId", "quarter", "agencyId");

-- CreateIndex
CREATE UNIQUE INDEX "Review_riskId_quarter_agencyId_key" ON "Review"("riskId", "quarter", "agencyId");

-- AddForeignKey
ALTER TABLE "Review" ADD CONSTRAINT "Review_agencyId_fkey" FOREIGN KEY ("agencyId") REFERENCES "Agency"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReviewSummary" ADD CONSTRAINT "ReviewSummary_commitmentId_fkey" FOREIGN KEY ("commitmentId") REFERENCES "Commitment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReviewSummary" ADD CONSTRAINT "ReviewSummary_riskId_fkey" FOREIGN KEY ("riskId") REFERENCES "Risk"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReviewSummary" ADD CONSTRAINT "ReviewSummary_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- The summary is behind the plan's read models too (migration 20261125190000_data_version).
CREATE TRIGGER "ReviewSummary_data_version"
  BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON "ReviewSummary"
  FOR EACH STATEMENT EXECUTE FUNCTION "data_version_bump"();
