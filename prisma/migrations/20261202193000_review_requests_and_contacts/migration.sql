-- AlterTable
ALTER TABLE "Commitment" ADD COLUMN     "targetDate" DATE;

-- AlterTable
ALTER TABLE "Review" ADD COLUMN     "evidence" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "signedOffAt" TIMESTAMP(3),
ADD COLUMN     "signedOffById" INTEGER,
ADD COLUMN     "signedOffVersion" INTEGER;

-- AlterTable
ALTER TABLE "ReviewVersion" ADD COLUMN     "evidence" JSONB NOT NULL DEFAULT '[]';

-- CreateTable
CREATE TABLE "CommitmentContact" (
    "commitmentId" INTEGER NOT NULL,
    "agencyId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,

    CONSTRAINT "CommitmentContact_pkey" PRIMARY KEY ("commitmentId","agencyId")
);

-- CreateTable
CREATE TABLE "ReviewRequest" (
    "id" SERIAL NOT NULL,
    "reviewId" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "requestedById" INTEGER,
    "requestedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "answeredVersion" INTEGER,
    "answeredAt" TIMESTAMP(3),

    CONSTRAINT "ReviewRequest_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CommitmentContact_agencyId_idx" ON "CommitmentContact"("agencyId");

-- CreateIndex
CREATE INDEX "ReviewRequest_reviewId_idx" ON "ReviewRequest"("reviewId");

-- AddForeignKey
ALTER TABLE "CommitmentContact" ADD CONSTRAINT "CommitmentContact_commitmentId_fkey" FOREIGN KEY ("commitmentId") REFERENCES "Commitment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CommitmentContact" ADD CONSTRAINT "CommitmentContact_agencyId_fkey" FOREIGN KEY ("agencyId") REFERENCES "Agency"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Review" ADD CONSTRAINT "Review_signedOffById_fkey" FOREIGN KEY ("signedOffById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReviewRequest" ADD CONSTRAINT "ReviewRequest_reviewId_fkey" FOREIGN KEY ("reviewId") REFERENCES "Review"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReviewRequest" ADD CONSTRAINT "ReviewRequest_requestedById_fkey" FOREIGN KEY ("requestedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;


-- The plan's read models show contacts and open requests: their writes move DataVersion too
-- (migration 20261125190000_data_version).
CREATE TRIGGER "CommitmentContact_data_version"
  BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON "CommitmentContact"
  FOR EACH STATEMENT EXECUTE FUNCTION "data_version_bump"();

CREATE TRIGGER "ReviewRequest_data_version"
  BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON "ReviewRequest"
  FOR EACH STATEMENT EXECUTE FUNCTION "data_version_bump"();
